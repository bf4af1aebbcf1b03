import { hash, parseOptions, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../shared/app-error.js';

// OWASP Password Storage Cheat Sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1
// (ASVS 5.0 V11.4.2, NIST SP 800-63B rev. 3 §5.1.1.2). `algorithm: 2` is Argon2id: the package
// exports it as a const enum, which isolated modules cannot read.
export const passwordHashOptions = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const passwordMinLength = 8;
export const passwordMaxLength = 256;

const commonPasswords = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
// NIST SP 800-63B §5.1.1.2: refuse context-specific words such as the service's name.
const contextWords = ['gatehouse'];

/**
 * The form a password is hashed and measured in. NIST SP 800-63B §5.1.1.2: apply NFKC so
 * that the same password typed on two keyboards is the same password.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Below this many characters a local part ("pat", "dev", "staff") is an ordinary word or
 * syllable: refusing every password containing it would turn away good passphrases and protect
 * nothing, since guessers do not start from a three-letter fragment of the address.
 */
export const emailLocalPartMinLength = 6;

/**
 * What part of the address the (normalised, lower-cased) password contains, as the error
 * says it, or null: the whole address, or a local part of 6+ characters (with or without
 * its `+tag`).
 */
function emailPartIn(lowerPassword: string, email: string): string | null {
  const address = email.normalize('NFKC').trim().toLowerCase();
  if (address.length > 0 && lowerPassword.includes(address)) return 'must not contain your email address';
  const at = address.lastIndexOf('@');
  const localPart = at > 0 ? address.slice(0, at) : '';
  const untagged = localPart.split('+')[0] ?? '';
  for (const part of [localPart, untagged]) {
    if ([...part].length >= emailLocalPartMinLength && lowerPassword.includes(part)) {
      return `must not contain "${part}", the part of your email address before the @`;
    }
  }
  return null;
}

/**
 * Why `password` is not acceptable for the user with `email`, or null when it is.
 * No composition rules (NIST SP 800-63B §5.1.1.2, ASVS 5.0 V6.2.5); length 8–256 after NFKC
 * (8 is the minimum when a second factor is required, V6.2.1; 256 ≥ 64, V6.2.9); the
 * common-password list (V6.2.4), the address, and its local part when 6+ characters long,
 * are refused.
 *
 * @example
 * passwordProblem('correct horse battery', 'ana@example.com'); // null
 */
export function passwordProblem(password: string, email: string): string | null {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < passwordMinLength) return `must be at least ${passwordMinLength} characters long`;
  if (length > passwordMaxLength) return `must be at most ${passwordMaxLength} characters long`;
  const lower = normalised.toLowerCase();
  if (commonPasswords.has(lower)) return 'is one of the most common passwords; choose another';
  const fromEmail = emailPartIn(lower, email);
  if (fromEmail) return fromEmail;
  if (contextWords.some((word) => lower.includes(word))) return 'must not contain the name of this service';
  return null;
}

/**
 * Throws 400 `password.too_weak`, naming `field` (`password` or `newPassword`), unless the
 * password passes {@link passwordProblem}.
 */
export function assertAcceptablePassword(password: string, email: string, field: 'password' | 'newPassword'): void {
  const problem = passwordProblem(password, email);
  if (problem !== null) {
    throw new AppError('password.too_weak', `The password ${problem}`, {
      errors: [{ field: `body/${field}`, message: problem }],
    });
  }
}

/** The argon2id hash (PHC string) of the NFKC-normalised password. */
export function hashPassword(password: string): Promise<string> {
  return hash(normalisePassword(password), passwordHashOptions);
}

// Made once at start, so even the first unknown address costs exactly one verification.
const dummyHash = hashPassword('gatehouse dummy password for timing');

/**
 * Checks `password` against `storedHash`. With no stored hash (unknown email, user without a
 * password) a dummy hash is verified instead, so the answer takes as long either way and
 * timing does not tell which emails exist (ASVS 5.0 V6.3.8).
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  const target = storedHash ?? (await dummyHash);
  try {
    const ok = await verify(target, normalisePassword(password));
    return ok && storedHash !== null;
  } catch {
    return false; // a malformed stored hash never verifies
  }
}

/** Whether a hash was made with other parameters than today's and should be replaced at sign-in. */
export function needsRehash(storedHash: string): boolean {
  try {
    const options = parseOptions(storedHash);
    return (
      Number(options.algorithm) !== Number(passwordHashOptions.algorithm) ||
      options.memoryCost !== passwordHashOptions.memoryCost ||
      options.timeCost !== passwordHashOptions.timeCost ||
      options.parallelism !== passwordHashOptions.parallelism
    );
  } catch {
    return true;
  }
}
