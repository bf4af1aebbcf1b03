import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../src/audit/mask.js';
import { redactSecrets } from '../../../src/http/logger.js';

describe('redactSecrets', () => {
  it('censors properties named like secrets at any depth, in objects and arrays, whatever their case', () => {
    const logged = {
      user: 'ada',
      Password: 'p1',
      deep: { a: { b: { c: { token: 't1', keep: 'visible' } } } },
      list: [{ code: '123456' }, 'plain'],
      headers: { Authorization: 'Bearer x', 'X-CSRF-Token': 'c1', cookie: 's=1' },
    };
    expect(redactSecrets(logged)).toEqual({
      user: 'ada',
      Password: '[redacted]',
      deep: { a: { b: { c: { token: '[redacted]', keep: 'visible' } } } },
      list: [{ code: '[redacted]' }, 'plain'],
      headers: { Authorization: '[redacted]', 'X-CSRF-Token': '[redacted]', cookie: '[redacted]' },
    });
  });

  it('never changes what it was given, and returns objects without secrets as they are', () => {
    const logged = { nested: { password: 'p1' }, other: { fine: true } };
    const result = redactSecrets(logged) as typeof logged;
    expect(logged.nested.password).toBe('p1');
    expect(result.other).toBe(logged.other);
    const clean = { a: [1, 2], b: { c: 'd' } };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it('turns errors into what pino writes of them, with their own secret properties censored', () => {
    const error = Object.assign(new Error('connection refused'), {
      code: 'ECONNREFUSED',
      config: { secret: 's3' },
      host: 'db',
    });
    const result = redactSecrets({ failure: error }) as { failure: Record<string, unknown> };
    expect(result.failure).toMatchObject({
      type: 'Error',
      message: 'connection refused',
      code: 'ECONNREFUSED',
      config: { secret: '[redacted]' },
      host: 'db',
    });
    expect(result.failure.stack).toContain('connection refused');
    expect(error.config.secret).toBe('s3');
  });

  it('keeps error codes (SQLSTATE, Node, ours) and censors only one-time codes under `code`', () => {
    const unique = Object.assign(new Error('duplicate key value violates unique constraint "members_pkey"'), {
      code: '23505',
      constraint: 'members_pkey',
    });
    expect(redactSecrets({ err: unique })).toMatchObject({ err: { code: '23505', constraint: 'members_pkey' } });
    expect(redactSecrets({ code: '57P01' })).toEqual({ code: '57P01' });
    expect(redactSecrets({ problem: { code: 'request.invalid' } })).toEqual({ problem: { code: 'request.invalid' } });
    expect(redactSecrets({ body: { code: '12345678' } })).toEqual({ body: { code: '[redacted]' } });
    expect(redactSecrets({ body: { code: 'ABCD-EFGH-JKLM-NPQR' } })).toEqual({ body: { code: '[redacted]' } });
    expect(redactSecrets({ body: { recoveryCode: 'anything', totpCode: '1' } })).toEqual({
      body: { recoveryCode: '[redacted]', totpCode: '[redacted]' },
    });
  });

  it('leaves instances of other classes to their serializers, and stops at a depth on cycles', () => {
    const when = new Date(0);
    expect(redactSecrets({ when })).toEqual({ when });
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(() => redactSecrets(cycle)).not.toThrow();
  });

  it('censors the same field names as the security log masks', () => {
    const value = {
      passwordHash: 'h',
      apiKey: 'k',
      otpauthUri: 'u',
      recoveryCodes: ['c'],
      'set-cookie': 's',
      code: '123456',
      name: 'Ada',
      statusCode: 200,
    };
    const censored = (result: unknown) =>
      Object.entries(result as Record<string, unknown>)
        .filter(([, v]) => v === '[redacted]' || v === '[masked]')
        .map(([k]) => k);
    expect(censored(redactSecrets(value))).toEqual([
      'passwordHash',
      'apiKey',
      'otpauthUri',
      'recoveryCodes',
      'set-cookie',
      'code',
    ]);
    expect(censored(maskSecrets(value))).toEqual(censored(redactSecrets(value)));
    const diagnosis = { code: '23505', error: { code: 'ECONNREFUSED' } };
    expect(redactSecrets(diagnosis)).toEqual(diagnosis);
    expect(maskSecrets(diagnosis)).toEqual(diagnosis);
  });
});
