import { describe, expect, it, vi } from 'vitest';
import { createApiKey, listApiKeys, type NewApiKey, revokeApiKey } from '../../support/clients/api-keys.js';
import { exportSecurityEvents } from '../../support/clients/audit.js';
import { check } from '../../support/clients/checks.js';
import { changeMemberStatus, updateMember } from '../../support/clients/members.js';
import { accountUrl, anonymous, bearer, type Method, platform, send } from '../../support/clients/request.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, stepUp, type TestSession } from '../../support/users.js';

const logs: string[] = [];
const { t, owner, accountId } = await ownerAccount({
  env: { LOG_LEVEL: 'debug' },
  logStream: { write: (line: string) => void logs.push(line) },
});

/** A developer with API access, signed in and stepped up. */
async function developer(flags = { apiAccess: true }) {
  const user = await createUser(t.app, { accountId, builtinRole: 'developer' });
  expect((await updateMember(t.app, owner, accountId, user.memberId!, { flags })).status).toBe(200);
  return stepUp(t.app, await signIn(t.app, user));
}

/** A new key of `session`, created (201) with its secret. */
async function newKey(session: TestSession, input: NewApiKey = {}) {
  const created = await createApiKey(t.app, session, accountId, input);
  expect(created.status).toBe(201);
  return created.body;
}

/** The account, read with the key. */
const withKey = (key: string) => send(t.app, bearer(key), 'GET', accountUrl(accountId));

describe('API keys', () => {
  it('are created with step-up by members with API access, shown once, listed by prefix only', async () => {
    const dev = await developer();
    const { key, prefix, id } = await newKey(dev);
    expect(key).toMatch(/^gh_mk_[0-9A-Za-z]{49}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const list = await listApiKeys(t.app, dev, accountId);
    expect(list.body.items.map((item) => item.id)).toContain(id);
    expect(list.response.body).not.toContain(key);
    expect((await withKey(key)).status).toBe(200);
  });

  it('show when they were last used, to the minute', async () => {
    const dev = await developer();
    const { key, id } = await newKey(dev);
    const lastUsed = async () =>
      (await listApiKeys(t.app, dev, accountId)).body.items.find((item) => item.id === id)?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const firstUse = t.clock.now().toISOString();
    expect((await withKey(key)).status).toBe(200);
    await vi.waitFor(async () => expect(await lastUsed()).toBe(firstUse));
    // A use within the minute is not recorded; the first one after it is.
    t.clock.advance(30_000);
    expect((await withKey(key)).status).toBe(200);
    t.clock.advance(31_000);
    const laterUse = t.clock.now().toISOString();
    expect((await withKey(key)).status).toBe(200);
    await vi.waitFor(async () => expect(await lastUsed()).toBe(laterUse));
  });

  it('need the apiAccess flag and a fresh step-up', async () => {
    const noFlag = await developer({ apiAccess: false });
    expect((await createApiKey(t.app, noFlag, accountId)).status).toBe(403);
    const dev = await developer();
    t.clock.advance(6 * 60_000);
    expect((await createApiKey(t.app, dev, accountId)).code).toBe('auth.step_up_required');
  });

  it('act as their member, limited to their permission subset, which cannot exceed the member', async () => {
    const dev = await developer();
    const above = await createApiKey(t.app, dev, accountId, {
      permissions: [{ permission: 'users.invite', scope: 'all' }],
    });
    expect(above.code).toBe('authz.escalation');
    const { key, id } = await newKey(dev, { permissions: [{ permission: 'payments.view', scope: 'all' }] });
    const asKey = (permission: string) => ({ accountId, subject: { apiKeyId: id }, permission });
    expect((await check(t.app, platform, asKey('payments.view'))).body.allowed).toBe(true);
    expect((await check(t.app, platform, asKey('refunds.view'))).body).toEqual({
      allowed: false,
      reason: 'key_scope_exceeded',
    });
    // the key itself may ask the check API about its own account only
    expect((await check(t.app, bearer(key), asKey('payments.view'))).body.allowed).toBe(true);
  });

  it('cannot manage keys, 2FA, passwords or sessions', async () => {
    const dev = await developer();
    const { key } = await newKey(dev);
    expect((await createApiKey(t.app, bearer(key), accountId, { name: 'x' })).code).toBe('authz.key_not_allowed');
    expect((await listApiKeys(t.app, bearer(key), accountId)).code).toBe('authz.key_not_allowed');
    const attempts: [Method, string, object | undefined][] = [
      ['DELETE', '/v1/me/totp', { confirm: true }],
      [
        'PUT',
        '/v1/me/password',
        { currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase 42' },
      ],
      ['GET', '/v1/me/sessions', undefined],
      ['DELETE', '/v1/me/sessions', undefined],
      ['POST', '/v1/me/recovery-codes', { confirm: true }],
    ];
    for (const [method, path, payload] of attempts) {
      const res = await send(t.app, bearer(key), method, path, payload);
      expect([401, 403]).toContain(res.status);
    }
  });

  it('stop working on the very next request when revoked, expired, or their member is deactivated, removed, loses API access or the permission', async () => {
    const scenarios: [string, (memberId: string, keyId: string) => Promise<{ status: number }>][] = [
      ['revoked', (_memberId, keyId) => revokeApiKey(t.app, owner, accountId, keyId)],
      ['deactivated', (memberId) => changeMemberStatus(t.app, owner, accountId, memberId, 'deactivate')],
      ['removed', (memberId) => changeMemberStatus(t.app, owner, accountId, memberId, 'remove')],
      [
        'lost API access',
        (memberId) => updateMember(t.app, owner, accountId, memberId, { flags: { apiAccess: false } }),
      ],
      [
        'lost the permission',
        (memberId) => updateMember(t.app, owner, accountId, memberId, { roleId: 'builtin:view_only' }),
      ],
    ];
    for (const [label, stop] of scenarios) {
      const dev = await developer();
      const { key, id } = await newKey(dev);
      expect((await withKey(key)).status, label).toBe(200);
      expect((await stop(dev.memberId!, id)).status, label).toBeLessThan(300);
      const after = await withKey(key);
      expect(after.status, label).toBeGreaterThanOrEqual(401);
      expect(after.status, label).toBeLessThan(405);
    }
    const dev = await developer();
    const expiring = await newKey(dev, { expiresAt: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    expect((await withKey(expiring.key)).status).toBe(200);
    t.clock.advance(61_000);
    expect((await withKey(expiring.key)).code).toBe('auth.api_key_expired');
  });

  it('tell unknown, revoked and expired apart only when checksum and hash match', async () => {
    const dev = await developer();
    const { key, id } = await newKey(dev);
    const typo = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    expect((await withKey(typo)).code).toBe('auth.invalid_credentials');
    const unknownButValid = 'gh_mk_' + '0'.repeat(43);
    expect((await withKey(unknownButValid + 'zzzzzz')).code).toBe('auth.invalid_credentials');
    expect((await revokeApiKey(t.app, dev, accountId, id)).status).toBe(204);
    expect((await withKey(key)).code).toBe('auth.api_key_revoked');
  });

  it('sent in a query string are refused with a clear error', async () => {
    const dev = await developer();
    const { key } = await newKey(dev);
    const res = await send(t.app, anonymous, 'GET', accountUrl(accountId, `?api_key=${key}`));
    expect([res.status, res.code]).toEqual([400, 'request.key_in_query']);
  });

  it('an admin with users.edit lists and revokes other members’ keys but never reads them', async () => {
    const dev = await developer();
    const { key, id } = await newKey(dev);
    const list = await listApiKeys(t.app, owner, accountId, { memberId: dev.memberId });
    expect(list.body.items.map((item) => item.id)).toEqual([id]);
    expect(list.response.body).not.toContain(key);
    const other = await developer();
    expect((await revokeApiKey(t.app, other, accountId, id)).status).toBe(403);
    expect((await revokeApiKey(t.app, owner, accountId, id)).status).toBe(204);
  });

  it('never appear in the logs or the security log, nor in any response after the one that created them', async () => {
    const dev = await developer();
    const { key } = await newKey(dev);
    const log = await exportSecurityEvents(t.app, owner, accountId, { format: 'ndjson' });
    expect(log.status).toBe(200);
    expect(log.response.body).toContain('api_key.created');
    expect(log.response.body).not.toContain(key);
    expect(log.response.body).not.toContain(key.slice(12));
    // use it, list it, revoke it: the secret never comes back and never reaches the logs
    await withKey(key);
    const list = await listApiKeys(t.app, dev, accountId);
    expect(list.response.body).not.toContain(key);
    await send(t.app, anonymous, 'GET', accountUrl(accountId, `?api_key=${key}`));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(key.slice(6));
  });
});
