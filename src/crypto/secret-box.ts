import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const version = 'v1';

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
  const cipher = createCipheriv('aes-256-gcm', key, iv);
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
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
