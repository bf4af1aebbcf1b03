/**
 * Field names whose values are secrets: the logger censors them and the security log masks
 * them, at any depth. Generous on purpose: `passwordHash` or `tokenHash`
 * are not secrets themselves, but nothing needs them in a log line or an audit record either.
 */
const secretFieldName = /pass(word)?|token|secret|recovery|otp|totp|^code$|^key$|apikey|authorization|cookie/i;

/** Does a property with this name hold a secret? */
export function isSecretFieldName(name: string): boolean {
  return secretFieldName.test(name);
}
