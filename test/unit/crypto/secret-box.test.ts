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
});
