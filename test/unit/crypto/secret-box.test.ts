import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../src/crypto/secret-box.js';

const key = randomBytes(32);

describe('secret box (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV every time', () => {
    const a = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:usr_1');
    const b = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:usr_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(key, a, 'totp:usr_1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a tampered ciphertext, another row’s associated data, or another key', () => {
    const sealed = seal(key, 'secret', 'totp:usr_1');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[2], 'base64url');
    flipped[0] = flipped[0] ^ 1;
    expect(() =>
      open(key, [parts[0], parts[1], flipped.toString('base64url'), parts[3]].join('.'), 'totp:usr_1'),
    ).toThrow();
    expect(() => open(key, sealed, 'totp:usr_2')).toThrow();
    expect(() => open(randomBytes(32), sealed, 'totp:usr_1')).toThrow();
    expect(() => open(key, 'garbage', 'totp:usr_1')).toThrow();
  });

  it('refuses a genuine value whose tag was truncated, with the same error as a tampered one', () => {
    const sealed = seal(key, 'secret', 'totp:usr_1');
    const [v, iv, ciphertext, tag] = sealed.split('.');
    const tamperedError = captureError(() => open(key, [v, iv, ciphertext, flipFirstBit(tag)].join('.'), 'totp:usr_1'));
    // A GCM tag cut short still verifies unless the length is pinned: this value would open.
    for (const length of [4, 8, 12, 15]) {
      const truncated = [
        v,
        iv,
        ciphertext,
        Buffer.from(tag, 'base64url').subarray(0, length).toString('base64url'),
      ].join('.');
      expect(captureError(() => open(key, truncated, 'totp:usr_1'))).toEqual(tamperedError);
    }
    expect(open(key, sealed, 'totp:usr_1')).toBe('secret');
  });
});

function flipFirstBit(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0] ^ 1;
  return bytes.toString('base64url');
}

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
