import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit secret for links (invitations, resets), URL-safe. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of a token: its SHA-256 (the token has 256 bits, so no salt or slow
 * hash is needed).
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
