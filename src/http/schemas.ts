import { type Static, Type, type TSchema } from 'typebox';
import { errorCatalog, type ErrorCode } from '../shared/errors.js';
import { multiLinePattern, singleLinePattern } from '../shared/text.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    // The closed catalogue (src/shared/errors.ts), so clients typed from this document can switch on it.
    code: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: Object.keys(errorCatalog),
      description: 'A stable code from the error catalogue',
    }),
    detail: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with a stable `code`' },
);

/** A keyset pagination cursor: opaque, only ever one this API returned as `nextCursor`. */
export const Cursor = Type.String({
  maxLength: 1000,
  description:
    'The `nextCursor` of the previous page, as given. Any other value answers 400 `request.invalid` naming `querystring/cursor`.',
});

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
} as const;

// The length lives in the pattern: for an ASCII-only id that is the same rule as
// minLength/maxLength, and it spares ajv a code-point count per id (a 1,000-check batch
// carries 3,000 of them).
export const Id = Type.String({ pattern: '^[A-Za-z0-9_:.-]{1,100}$', description: '1 to 100 of A-Z a-z 0-9 _ : . -' });
export const AccountParams = Type.Object({ accountId: Id });
export const Confirm = Type.Optional(Type.Boolean({ description: 'Must be true for sensitive actions' }));
/** RFC 3339 UTC on the wire; services hand over Dates, which the serializer writes as ISO strings. */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const GrantSchema = Type.Object(
  {
    permission: Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z0-9_]+\\.[a-z0-9_]+$' }),
    scope: Type.Union([Type.Literal('all'), Type.Literal('own')], { default: 'all' }),
  },
  { additionalProperties: false },
);

export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * `T | null` as `type: [T, "null"]` rather than `anyOf`: the response serializer resolves an
 * anyOf by validating each value, which on a list costs more than the query (bench/README.md).
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type } = schema as unknown as { type?: string };
  if (typeof type !== 'string') return Type.Union([schema, Type.Null()]);
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
}

/**
 * Free text that is shown on one line: member, role, profile, contact, account, resource and
 * key names, identity fields. Refuses C0 and C1 control characters (tab, CR and LF included),
 * DEL and the Unicode line and paragraph separators, which forge lines in logs and exports.
 * (NUL and unpaired surrogates are refused in every field before validation: see
 * refuseUnrepresentableText.)
 *
 * @example
 * const Name = SingleLineText({ minLength: 1, maxLength: 200 });
 */
export function SingleLineText(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ ...options, pattern: singleLinePattern });
}

/**
 * Free text that may span lines (descriptions): tab, LF and CR are allowed, other control
 * characters are not.
 */
export function MultiLineText(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ ...options, pattern: multiLinePattern });
}
