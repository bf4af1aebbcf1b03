import { AppError } from './app-error.js';

/** Keyset cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object') return value as T;
  } catch {
    // fall through
  }
  throw new AppError('request.invalid', 'The cursor is not valid', { errors: [{ field: 'querystring/cursor', message: 'is not a cursor this API issued' }] });
}
