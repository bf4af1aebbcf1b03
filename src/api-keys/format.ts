import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Key format: `gh_mk_` (Gatehouse, member key) + 43 base62 characters holding 256 random
 * bits + a 6-character base62 CRC-32 checksum of what precedes it. The fixed prefix lets
 * secret scanners find leaked keys; the checksum refuses a mistyped key without a lookup.
 */
export const keyPrefix = 'gh_mk_';
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomLength = 43; // ceil(256 / log2(62))
const checksumLength = 6;
export const keyPattern = new RegExp(`^${keyPrefix}[0-9A-Za-z]{${randomLength + checksumLength}}$`);

function base62(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = alphabet[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

export function newApiKey(): string {
  const random = base62(BigInt(`0x${randomBytes(32).toString('hex')}`), randomLength);
  const body = keyPrefix + random;
  return body + base62(BigInt(crc32(body)), checksumLength);
}

/** Does the string have the shape and a correct checksum of a Gatehouse key? */
export function isWellFormedKey(key: string): boolean {
  if (!keyPattern.test(key)) return false;
  const body = key.slice(0, -checksumLength);
  return base62(BigInt(crc32(body)), checksumLength) === key.slice(-checksumLength);
}

/** What the lists show: enough to recognise the key, far too little to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, keyPrefix.length + 6);
}

/** SHA-256 is enough here: a key holds 256 random bits, so there is nothing to brute-force. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
