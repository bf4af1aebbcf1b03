import { open, seal } from '../crypto/secret-box.js';

// The seed is sealed with AES-256-GCM under the server key, bound to its user by the
// associated data, so a sealed seed copied onto another user's row does not open.
const seedAssociatedData = (userId: string) => `totp:${userId}`;

/** Encrypts a TOTP seed for storage in the user's row. */
export function sealTotpSecret(secretKey: Buffer, userId: string, secret: string): string {
  return seal(secretKey, secret, seedAssociatedData(userId));
}

/** Decrypts a seed sealed by {@link sealTotpSecret}; throws if it was tampered with or moved. */
export function openTotpSecret(secretKey: Buffer, userId: string, sealed: string): string {
  return open(secretKey, sealed, seedAssociatedData(userId));
}
