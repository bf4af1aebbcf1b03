/**
 * Whether `error` says the database cannot be reached right now (down, restarting, refusing
 * connections, the connection dropped mid-query), as opposed to a bug or a rule the query broke.
 * Such a request may well succeed when retried a moment later, so it answers 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') {
    // SQLSTATE class 08 (connection exception); 57P01-03: the server is shutting down, crashed
    // or still starting; 53300: no connection slot left.
    if (/^08\d{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (socketErrorCodes.has(code)) return true;
  }
  if (typeof message === 'string' && driverMessages.some((pattern) => pattern.test(message))) return true;
  // Connecting to a name with several addresses fails with one error per address.
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What `pg` and `pg-pool` say, without a code, when a connection is lost or cannot be had. */
const driverMessages = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /is not queryable/];
