import { AppError } from './app-error.js';

/** Keyset cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * What a cursor field holds: text, a whole number, or an RFC 3339 UTC timestamp as the API
 * writes them.
 */
export type CursorField = 'string' | 'integer' | 'timestamp';
type Decoded<S extends Record<string, CursorField>> = { [K in keyof S]: S[K] extends 'integer' ? number : string };

const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const maxTextLength = 1000;
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unrepresentable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function fits(value: unknown, kind: CursorField): boolean {
  switch (kind) {
    case 'integer':
      return Number.isSafeInteger(value);
    case 'timestamp':
      return typeof value === 'string' && timestampPattern.test(value) && !Number.isNaN(Date.parse(value));
    case 'string':
      // NUL and lone surrogates cannot reach PostgreSQL as text: refused like any input.
      return typeof value === 'string' && value.length <= maxTextLength && !unrepresentable.test(value);
  }
}

function invalidCursor(message = 'is not a cursor this API issued'): AppError {
  return new AppError('request.invalid', 'The cursor is not valid', {
    errors: [{ field: 'querystring/cursor', message }],
  });
}

/**
 * The cursor's fields, checked against `shape`: a cursor is client input like any other, so
 * a crafted one (wrong types, a date that is none, extra fields) is a 400 naming the cursor,
 * never a query that fails.
 */
export function decodeCursor<S extends Record<string, CursorField>>(cursor: string, shape: S): Decoded<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidCursor();
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (
    keys.length !== Object.keys(shape).length ||
    !Object.entries(shape).every(([key, kind]) => Object.hasOwn(record, key) && fits(record[key], kind))
  ) {
    throw invalidCursor();
  }
  return record as Decoded<S>;
}

/**
 * The cursor error for a cursor that decodes but does not fit the request (another sort
 * order).
 */
export function mismatchedCursor(message: string): AppError {
  return invalidCursor(message);
}
