import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const version = 'v1';
/**
 * GCM's full 128-bit tag. Without `authTagLength` Node accepts any tag of 4 to 16 bytes, and a
 * truncated tag of a genuine value still verifies, so a forger with write access to the column
 * would need only 2^32 guesses instead of 2^128.
 */
const tagLength = 16;

/**
 * Encrypts a secret for storage with AES-256-GCM under the service's secret key. The
 * associated data binds the ciphertext to its purpose and row (e.g. `totp:usr_…`), so a
 * sealed value copied to another row or column does not open. Format:
 * `v1.<iv>.<ciphertext>.<tag>`, base64url, with a fresh 96-bit IV each time.
 *
 * @example
 * const sealed = seal(key, 'JBSWY3DPEHPK3PXP', `totp:${userId}`);
 * open(key, sealed, `totp:${userId}`); // 'JBSWY3DPEHPK3PXP'
 */
export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    version,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/** Decrypts what {@link seal} produced; throws if it was altered or belongs elsewhere. */
export function open(key: Buffer, sealed: string, associatedData: string): string {
  const [v, iv, ciphertext, tag] = sealed.split('.');
  if (v !== version || !iv || ciphertext === undefined || !tag) throw new Error('not a sealed secret');
  const authTag = Buffer.from(tag, 'base64url');
  if (authTag.length !== tagLength) throw refused();
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: tagLength });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(authTag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw refused();
  }
}

/** One error for every value that fails authentication, however it was altered. */
function refused(): Error {
  return new Error('sealed secret failed authentication');
}
