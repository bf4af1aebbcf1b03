import { describe, expect, it, vi } from 'vitest';
import { ownerAccount } from '../../support/owner-account.js';
import { platformHeaders } from '../../support/fixtures.js';
import { createUser, signIn, stepUp, type TestSession } from '../../support/users.js';

const logs: string[] = [];
const { t, owner, accountId, url } = await ownerAccount({
  env: { LOG_LEVEL: 'debug' },
  logStream: { write: (line: string) => void logs.push(line) },
});

/** A developer with API access, signed in and stepped up. */
async function developer(flags = { apiAccess: true }) {
  const user = await createUser(t.app, { accountId, builtinRole: 'developer' });
  await t.app.inject({
    method: 'PATCH',
    url: url(`/members/${user.memberId}`),
    headers: owner.headers,
    payload: { flags, confirm: true },
  });
  return stepUp(t.app, await signIn(t.app, user));
}

async function createKey(session: TestSession, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: url('/api-keys'),
    headers: session.headers,
    payload: { name: 'CI', confirm: true, ...body },
  });
  return res;
}

const withKey = (key: string, path = '') =>
  t.app.inject({ method: 'GET', url: url(path), headers: { authorization: `Bearer ${key}` } });

describe('API keys', () => {
  it('are created with step-up by members with API access, shown once, listed by prefix only', async () => {
    const dev = await developer();
    const res = await createKey(dev);
    expect(res.statusCode).toBe(201);
    const { key, prefix, id } = res.json();
    expect(key).toMatch(/^gh_mk_[0-9A-Za-z]{49}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const list = await t.app.inject({ method: 'GET', url: url('/api-keys'), headers: dev.headers });
    expect(list.json().items.map((k: { id: string }) => k.id)).toContain(id);
    expect(list.body).not.toContain(key);
    expect((await withKey(key)).statusCode).toBe(200);
  });

  it('show when they were last used, to the minute', async () => {
    const dev = await developer();
    const { key, id } = (await createKey(dev)).json();
    const lastUsed = async () => {
      const list = await t.app.inject({ method: 'GET', url: url('/api-keys'), headers: dev.headers });
      return list.json<{ items: { id: string; lastUsedAt: string | null }[] }>().items.find((item) => item.id === id)
        ?.lastUsedAt;
    };
    expect(await lastUsed()).toBeNull();
    const firstUse = t.clock.now().toISOString();
    expect((await withKey(key)).statusCode).toBe(200);
    await vi.waitFor(async () => expect(await lastUsed()).toBe(firstUse));
    // A use within the minute is not recorded; the first one after it is.
    t.clock.advance(30_000);
    expect((await withKey(key)).statusCode).toBe(200);
    t.clock.advance(31_000);
    const laterUse = t.clock.now().toISOString();
    expect((await withKey(key)).statusCode).toBe(200);
    await vi.waitFor(async () => expect(await lastUsed()).toBe(laterUse));
  });

  it('need the apiAccess flag and a fresh step-up', async () => {
    const noFlag = await developer({ apiAccess: false });
    expect((await createKey(noFlag)).statusCode).toBe(403);
    const dev = await developer();
    t.clock.advance(6 * 60_000);
    expect((await createKey(dev)).json().code).toBe('auth.step_up_required');
  });

  it('act as their member, limited to their permission subset, which cannot exceed the member', async () => {
    const dev = await developer();
    const above = await createKey(dev, { permissions: [{ permission: 'users.invite', scope: 'all' }] });
    expect(above.json().code).toBe('authz.escalation');
    const { key, id } = (await createKey(dev, { permissions: [{ permission: 'payments.view', scope: 'all' }] })).json();
    const allowed = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      headers: platformHeaders,
      payload: { accountId, subject: { apiKeyId: id }, permission: 'payments.view' },
    });
    expect(allowed.json().allowed).toBe(true);
    const lacking = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      headers: platformHeaders,
      payload: { accountId, subject: { apiKeyId: id }, permission: 'refunds.view' },
    });
    expect(lacking.json()).toEqual({ allowed: false, reason: 'key_scope_exceeded' });
    // the key itself may ask the check API about its own account only
    const selfCheck = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      headers: { authorization: `Bearer ${key}` },
      payload: { accountId, subject: { apiKeyId: id }, permission: 'payments.view' },
    });
    expect(selfCheck.json().allowed).toBe(true);
  });

  it('cannot manage keys, 2FA, passwords or sessions', async () => {
    const dev = await developer();
    const { key } = (await createKey(dev)).json();
    const auth = { authorization: `Bearer ${key}` };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: url('/api-keys'),
          headers: auth,
          payload: { name: 'x', confirm: true },
        })
      ).json().code,
    ).toBe('authz.key_not_allowed');
    expect((await t.app.inject({ method: 'GET', url: url('/api-keys'), headers: auth })).json().code).toBe(
      'authz.key_not_allowed',
    );
    const attempts = [
      ['DELETE', '/v1/me/totp', { confirm: true }],
      [
        'PUT',
        '/v1/me/password',
        { currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase 42' },
      ],
      ['GET', '/v1/me/sessions', undefined],
      ['DELETE', '/v1/me/sessions', undefined],
      ['POST', '/v1/me/recovery-codes', { confirm: true }],
    ] as const;
    for (const [method, path, payload] of attempts) {
      const res = await t.app.inject({ method, url: path, headers: auth, ...(payload ? { payload } : {}) });
      expect([401, 403]).toContain(res.statusCode);
    }
  });

  it('stop working on the very next request when revoked, expired, or their member is deactivated, removed, loses API access or the permission', async () => {
    const scenarios: [string, (memberId: string, keyId: string) => Promise<unknown>][] = [
      [
        'revoked',
        (_m, keyId) => t.app.inject({ method: 'DELETE', url: url(`/api-keys/${keyId}`), headers: owner.headers }),
      ],
      [
        'deactivated',
        (memberId) =>
          t.app.inject({
            method: 'POST',
            url: url(`/members/${memberId}/deactivate`),
            headers: owner.headers,
            payload: { confirm: true },
          }),
      ],
      [
        'removed',
        (memberId) =>
          t.app.inject({
            method: 'POST',
            url: url(`/members/${memberId}/remove`),
            headers: owner.headers,
            payload: { confirm: true },
          }),
      ],
      [
        'lost API access',
        (memberId) =>
          t.app.inject({
            method: 'PATCH',
            url: url(`/members/${memberId}`),
            headers: owner.headers,
            payload: { flags: { apiAccess: false }, confirm: true },
          }),
      ],
      [
        'lost the permission',
        (memberId) =>
          t.app.inject({
            method: 'PATCH',
            url: url(`/members/${memberId}`),
            headers: owner.headers,
            payload: { roleId: 'builtin:view_only', confirm: true },
          }),
      ],
    ];
    for (const [label, stop] of scenarios) {
      const dev = await developer();
      const { key, id } = (await createKey(dev)).json();
      expect((await withKey(key)).statusCode, label).toBe(200);
      await stop(dev.memberId!, id);
      const after = await withKey(key);
      expect(after.statusCode, label).toBeGreaterThanOrEqual(401);
      expect(after.statusCode, label).toBeLessThan(405);
    }
    const dev = await developer();
    const expiring = (
      await createKey(dev, { expiresAt: new Date(t.clock.now().getTime() + 60_000).toISOString() })
    ).json();
    expect((await withKey(expiring.key)).statusCode).toBe(200);
    t.clock.advance(61_000);
    expect((await withKey(expiring.key)).json().code).toBe('auth.api_key_expired');
  });

  it('tell unknown, revoked and expired apart only when checksum and hash match', async () => {
    const dev = await developer();
    const { key, id } = (await createKey(dev)).json();
    const typo = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    expect((await withKey(typo)).json().code).toBe('auth.invalid_credentials');
    const unknownButValid = 'gh_mk_' + '0'.repeat(43);
    expect((await withKey(unknownButValid + 'zzzzzz')).json().code).toBe('auth.invalid_credentials');
    await t.app.inject({ method: 'DELETE', url: url(`/api-keys/${id}`), headers: dev.headers });
    expect((await withKey(key)).json().code).toBe('auth.api_key_revoked');
  });

  it('sent in a query string are refused with a clear error', async () => {
    const dev = await developer();
    const { key } = (await createKey(dev)).json();
    const res = await t.app.inject({ method: 'GET', url: url(`?api_key=${key}`) });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('request.key_in_query');
  });

  it('an admin with users.edit lists and revokes other members’ keys but never reads them', async () => {
    const dev = await developer();
    const { key, id } = (await createKey(dev)).json();
    const list = await t.app.inject({
      method: 'GET',
      url: url(`/api-keys?memberId=${dev.memberId}`),
      headers: owner.headers,
    });
    expect(list.json().items.map((k: { id: string }) => k.id)).toEqual([id]);
    expect(list.body).not.toContain(key);
    const other = await developer();
    expect(
      (await t.app.inject({ method: 'DELETE', url: url(`/api-keys/${id}`), headers: other.headers })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'DELETE', url: url(`/api-keys/${id}`), headers: owner.headers })).statusCode,
    ).toBe(204);
  });

  it('never appear in the logs or the security log, nor in any response after the one that created them', async () => {
    const dev = await developer();
    const { key } = (await createKey(dev)).json();
    const log = await t.app.inject({
      method: 'GET',
      url: url('/security-events/export?format=ndjson'),
      headers: owner.headers,
    });
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('api_key.created');
    expect(log.body).not.toContain(key);
    expect(log.body).not.toContain(key.slice(12));
    // use it, list it, revoke it: the secret never comes back and never reaches the logs
    await withKey(key);
    const list = await t.app.inject({ method: 'GET', url: url('/api-keys'), headers: dev.headers });
    expect(list.body).not.toContain(key);
    await t.app.inject({ method: 'GET', url: url(`?api_key=${key}`) });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(key.slice(6));
  });
});
