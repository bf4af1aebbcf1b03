import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpStep, totpUri } from '../../../src/auth/totp.js';

const ascii = (text: string) => new TextEncoder().encode(text);

// RFC 6238 Appendix B: the reference seeds and the 8-digit codes they give at each time.
const seeds = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};
const vectors: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

// Base32 of the SHA-1 reference seed "12345678901234567890".
const referenceSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('matches the appendix B vectors at T=%i', async (epoch, sha1, sha256, sha512) => {
    for (const [algorithm, expected] of [
      ['sha1', sha1],
      ['sha256', sha256],
      ['sha512', sha512],
    ] as const) {
      expect(await generate({ secret: seeds[algorithm], algorithm, digits: 8, period: 30, epoch })).toBe(expected);
    }
  });

  it.each(vectors)(
    'accepts the six-digit SHA-1 code of T=%i with our parameters, and names its step',
    async (epoch, sha1) => {
      expect(await totpStep(referenceSecret, sha1.slice(2), new Date(epoch * 1000))).toBe(Math.floor(epoch / 30));
    },
  );

  it('tolerates one step of drift either way, and no more', async () => {
    const code = '287082'; // T=59, step 1
    expect(await totpStep(referenceSecret, code, new Date(59_000 + 30_000))).toBe(1); // server one step ahead
    expect(await totpStep(referenceSecret, code, new Date(29_000))).toBe(1); // server one step behind
    expect(await totpStep(referenceSecret, code, new Date(59_000 + 61_000))).toBeNull();
    const later = '050471'; // T=1111111111, step 37037037
    expect(await totpStep(referenceSecret, later, new Date((1111111111 - 30) * 1000))).toBe(37037037);
    expect(await totpStep(referenceSecret, later, new Date((1111111111 - 60) * 1000))).toBeNull(); // two steps early
  });

  it('refuses anything but six digits', async () => {
    for (const code of ['', '28708', '2870820', '28708a', ' 287082', '94287082']) {
      expect(await totpStep(referenceSecret, code, new Date(59_000))).toBeNull();
    }
  });

  it('makes 160-bit seeds and standard otpauth URIs', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'ana@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Gatehouse');
  });
});
