import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from '../shared/errors.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  // removeAdditional stays off: an unknown field is an error, never silently dropped.
  const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON and must carry the right types; query strings and params are text by
// nature, so only those are coerced.
const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object);

/** Turns ajv's errors into one entry per invalid field, as JSON pointers into the request part. */
export function fieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  return errors.map((error) => {
    let field = error.instancePath;
    if (error.keyword === 'required') field += `/${String(error.params.missingProperty)}`;
    if (error.keyword === 'additionalProperties') field += `/${String(error.params.additionalProperty)}`;
    const message =
      error.keyword === 'additionalProperties' ? 'is not an accepted field' : (error.message ?? 'is invalid');
    return { field: `${part}${field || ''}` || part, message };
  });
}
