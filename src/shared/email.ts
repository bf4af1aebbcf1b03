/**
 * The form an email address is stored and compared in: trimmed, Unicode NFKC, lower-cased.
 * Two spellings a person would call "the same address" must not make two users.
 */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}
