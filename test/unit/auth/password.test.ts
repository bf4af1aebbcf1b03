import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/app-error.js';
import {
  assertAcceptablePassword,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '../../../src/auth/password.js';

describe('password policy', () => {
  it('accepts long passphrases without composition rules', () => {
    expect(passwordProblem('correct horse battery staple', 'ana@example.com')).toBeNull();
    expect(passwordProblem('zzqxwvjkplmn', 'ana@example.com')).toBeNull(); // no digits, no capitals: fine
  });

  it('counts 8 to 256 characters after NFKC normalisation', () => {
    expect(passwordProblem('s9x!Q2m', 'ana@example.com')).toMatch(/at least 8/);
    expect(passwordProblem('s9x!Q2mz', 'ana@example.com')).toBeNull();
    expect(passwordProblem('ｚｑｘｗｖｊｋｐ', 'ana@example.com')).toBeNull(); // full-width letters, 8 after NFKC
    expect(passwordProblem('x'.repeat(256).replace(/^x/, 'y'), 'ana@example.com')).toBeNull();
    expect(passwordProblem('x'.repeat(257), 'ana@example.com')).toMatch(/at most 256/);
  });

  it('refuses common passwords whatever their case', () => {
    for (const password of ['password', 'PASSWORD', 'Password1', 'qwertyuiop', '12345678', 'iloveyou']) {
      expect(passwordProblem(password, 'ana@example.com'), password).toMatch(/common/);
    }
  });

  it('refuses passwords containing the address, or its local part when it has 6+ characters', () => {
    expect(passwordProblem('my-anabelle-rocks', 'anabelle@example.com')).toMatch(
      /"anabelle", the part of your email address/,
    );
    expect(passwordProblem('xxANABELLExx', 'anabelle@example.com')).toMatch(/"anabelle"/);
    expect(passwordProblem('banana split dessert', 'an@example.com')).toBeNull(); // local part too short to matter
    expect(passwordProblem('compatible pattern', 'pat@example.com')).toBeNull();
    expect(passwordProblem('staffing the night shift', 'staff@example.com')).toBeNull();
    expect(passwordProblem('me is pat@example.com', 'pat@example.com')).toBe('must not contain your email address');
  });

  it('answers password.too_weak naming the field', () => {
    try {
      assertAcceptablePassword('password', 'ana@example.com', 'newPassword');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('password.too_weak');
      expect((error as AppError).extras.errors?.[0]?.field).toBe('body/newPassword');
    }
  });
});

describe('password hashing', () => {
  it('uses argon2id at the OWASP parameters and verifies the NFKC form', async () => {
    const hash = await hashPassword('ｃｏｒｒｅｃｔ horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('asks for a rehash when the parameters were different', () => {
    expect(
      needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g'),
    ).toBe(true);
  });

  it('never verifies without a stored hash (the dummy hash only spends the time)', async () => {
    expect(await verifyPassword(null, 'gatehouse dummy password for timing')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });
});
