import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** Kinds of record, visible in their ids so that a pasted id says what it is. */
export type IdPrefix = 'acc' | 'usr' | 'mem' | 'rol' | 'prf' | 'inv' | 'key' | 'ses' | 'evt' | 'ctc' | 'xfr';

/** A new opaque id such as `mem_4k9x…`: 120 random bits, so ids are not guessable or sequential. */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}_${out}`;
}
