import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/app-error.js';
import type { FieldError } from '../shared/errors.js';
import { multiLinePattern, singleLinePattern, singleLineRule } from '../shared/text.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  // removeAdditional stays off: an unknown field is an error, never silently dropped.
  // verbose puts the failing schema on each error (only when there are errors), so that an
  // enum's allowed values can be named in one message.
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
    verbose: true,
  });
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON and must carry the right types; query strings and params are text by
// nature, so only those are coerced.
const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

/** The validator for one part of a request (see lazy-schemas.ts for when it is compiled). */
export const compileValidator = ({ schema, httpPart }: { schema: unknown; httpPart?: string }): ValidateFunction =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object);

/**
 * The values a schema allows when it is an enumeration (`const`, `enum`, null), else
 * undefined.
 */
function enumeratedValues(schema: unknown): unknown[] | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as { const?: unknown; enum?: unknown; type?: unknown; anyOf?: unknown };
  if ('const' in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  if (s.type === 'null') return [null];
  if (Array.isArray(s.anyOf)) {
    const values = s.anyOf.map(enumeratedValues);
    return values.every((v) => v !== undefined) ? values.flat() : undefined;
  }
  return undefined;
}

const listValues = (values: unknown[]) =>
  values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');

/**
 * A union of literals fails with one ajv error per branch ("must be equal to constant" ×N)
 * plus the union's own: fold them into the union's error alone, which names the allowed
 * values (see {@link messageOf}).
 */
function foldEnumerations(errors: ErrorObject[]): ErrorObject[] {
  const folded = errors.filter(
    (error) => error.keyword === 'anyOf' && enumeratedValues({ anyOf: error.schema }) !== undefined,
  );
  if (folded.length === 0) return errors;
  const branchOf = (error: ErrorObject) =>
    folded.some((union) => error !== union && error.schemaPath.startsWith(`${union.schemaPath}/`));
  return errors.filter((error) => !branchOf(error));
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not an accepted field';
    case 'anyOf': {
      const values = enumeratedValues({ anyOf: error.schema });
      if (values) return `must be one of: ${listValues(values)}`;
      break;
    }
    case 'enum':
      return `must be one of: ${listValues(error.params.allowedValues as unknown[])}`;
    case 'const':
      return `must be ${listValues([error.params.allowedValue])}`;
    case 'pattern':
      if (error.params.pattern === singleLinePattern) return singleLineRule;
      if (error.params.pattern === multiLinePattern)
        return 'must not contain control characters other than line breaks and tabs';
      break;
    default:
      break;
  }
  return error.message ?? 'is invalid';
}

/** Turns ajv's errors into one entry per invalid field, as JSON pointers into the request part. */
export function fieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  return foldEnumerations(errors).map((error) => {
    let field = error.instancePath;
    if (error.keyword === 'required') field += `/${String(error.params.missingProperty)}`;
    if (error.keyword === 'additionalProperties') field += `/${String(error.params.additionalProperty)}`;
    return { field: `${part}${field || ''}` || part, message: messageOf(error) };
  });
}

// NUL ends strings in C and PostgreSQL refuses it in text; a lone UTF-16 surrogate is not
// Unicode at all (UTF-8 cannot encode it, so it would be stored as something else than sent).
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const suspectText = /[\u0000\ud800-\udfff]/;
// Without the u flag a regular expression sees UTF-16 code units, so a pair is two of them.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with `value` ("a NUL character"), or undefined. */
function textProblem(value: string): string | undefined {
  if (!suspectText.test(value)) return undefined;
  if (value.includes('\u0000')) return 'a NUL character';
  if (loneSurrogate.test(value)) return 'an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every string (and property name) in a parsed request part that no field may hold. */
function unrepresentableText(value: unknown, path: string, found: FieldError[]): void {
  if (found.length >= 20) return;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) found.push({ field: path, message: `must not contain ${problem}` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unrepresentableText(item, `${path}/${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      // The name itself cannot be echoed safely: point at the object that holds it.
      if (problem) found.push({ field: path, message: `has a property name that contains ${problem}` });
      else unrepresentableText(item, `${path}/${pointerSegment(key)}`, found);
    }
  }
}

/**
 * Refuses, on every route and before any schema or service sees it, text that no field can
 * hold: a NUL or an unpaired surrogate anywhere in the query, the path parameters or the
 * body. One check for all routes instead of a pattern on each string field, so that a field
 * added later (or one without a schema) is covered too.
 */
export function refuseUnrepresentableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: FieldError[] = [];
    unrepresentableText(request.params, 'params', found);
    unrepresentableText(request.query, 'querystring', found);
    unrepresentableText(request.body, 'body', found);
    if (found.length > 0)
      throw new AppError('request.invalid', 'Some fields hold text that is not accepted', { errors: found });
  });
}
