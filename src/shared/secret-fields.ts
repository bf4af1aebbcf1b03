/**
 * Field names whose values are secrets: the logger censors them and the security log masks
 * them, at any depth. Generous on purpose: `passwordHash` or `tokenHash` are not secrets
 * themselves, but nothing needs them in a log line or an audit record either.
 */
const secretFieldName = /pass(word)?|token|secret|recovery|otp|totp|^key$|apikey|authorization|cookie/i;

/**
 * `code` names a secret only sometimes (a second-factor body's TOTP or recovery code) and
 * far more often a diagnosis that must reach the logs: a PostgreSQL SQLSTATE (`23505`), a
 * Node error (`ECONNREFUSED`), one of our problem codes. Only a value shaped like a one-time
 * code (6 to 8 digits, or a recovery code) is secret.
 */
const oneTimeCode = /^(\d{6,8}|[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){3})$/;

/** Does a property with this name (and this value) hold a secret? */
export function isSecretField(name: string, value: unknown): boolean {
  if (name.toLowerCase() === 'code') return typeof value === 'string' && oneTimeCode.test(value.trim());
  return secretFieldName.test(name);
}
