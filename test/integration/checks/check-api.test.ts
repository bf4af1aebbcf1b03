import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/database.js';
import { createTestApp, testConfig, type TestApp } from '../../support/app.js';
import { engine } from '../../support/database.js';
import { activateOwner, addMember, checkDecision, createAccount, platformHeaders } from '../../support/fixtures.js';

let t: TestApp;
let accountId: string;
let otherAccountId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ accountId } = await createAccount(t.app, 'Acme'));
  ({ accountId: otherAccountId } = await createAccount(t.app, 'Globex'));
  await activateOwner(t.app, accountId);
});
afterAll(() => t.close());

describe('POST /v1/authz/check', () => {
  it('needs the platform token (or an API key): none or a wrong one is refused', async () => {
    const body = { accountId, subject: { memberId: 'mem_x' }, permission: 'payments.view' };
    expect((await t.app.inject({ method: 'POST', url: '/v1/authz/check', payload: body })).statusCode).toBe(401);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      payload: body,
      headers: { authorization: 'Bearer not-the-token-at-all-0123456789abcdef' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('allows what the role grants and says why it denies the rest', async () => {
    const admin = await addMember(t.app, accountId, { builtinRole: 'administrator' });
    const viewer = await addMember(t.app, accountId, { builtinRole: 'view_only' });
    expect(
      await checkDecision(t.app, { accountId, subject: { memberId: admin.memberId }, permission: 'users.invite' }),
    ).toMatchObject({ allowed: true, reason: 'granted', scope: 'all' });
    expect(
      await checkDecision(t.app, { accountId, subject: { memberId: viewer.memberId }, permission: 'users.invite' }),
    ).toEqual({ allowed: false, reason: 'permission_not_granted' });
    expect(
      await checkDecision(t.app, { accountId, subject: { userId: viewer.userId }, permission: 'users.view' }),
    ).toMatchObject({ allowed: true });
    expect(
      await checkDecision(t.app, {
        accountId,
        subject: { memberId: admin.memberId },
        permission: 'no_such.permission',
      }),
    ).toEqual({ allowed: false, reason: 'unknown_permission' });
  });

  it('reserves owner-only permissions to the owner', async () => {
    const admin = await addMember(t.app, accountId, { builtinRole: 'administrator' });
    const owner = await t.app.deps.database.db
      .selectFrom('members')
      .select('id')
      .where('account_id', '=', accountId)
      .where('is_owner', '=', true)
      .executeTakeFirstOrThrow();
    expect(
      (await checkDecision(t.app, { accountId, subject: { memberId: owner.id }, permission: 'bank_accounts.change' }))
        .allowed,
    ).toBe(true);
    expect(
      await checkDecision(t.app, {
        accountId,
        subject: { memberId: admin.memberId },
        permission: 'bank_accounts.change',
      }),
    ).toMatchObject({ allowed: false });
  });

  it('denies members who are not active, and members without 2FA where the account requires it', async () => {
    for (const status of ['invited', 'inactive', 'removed'] as const) {
      const member = await addMember(t.app, accountId, { builtinRole: 'administrator', status });
      expect(
        await checkDecision(t.app, { accountId, subject: { memberId: member.memberId }, permission: 'payments.view' }),
      ).toEqual({ allowed: false, reason: 'member_not_active' });
    }
    const no2fa = await addMember(t.app, accountId, { builtinRole: 'administrator', twoFactor: false });
    expect(
      await checkDecision(t.app, { accountId, subject: { memberId: no2fa.memberId }, permission: 'payments.view' }),
    ).toEqual({ allowed: false, reason: 'two_factor_not_enrolled' });
  });

  it('limits members to their profiles and resources', async () => {
    const member = await addMember(t.app, accountId, {
      builtinRole: 'administrator',
      profileIds: ['prf_a'],
      resourceScope: { bank_account: ['ba-1'] },
    });
    const subject = { memberId: member.memberId };
    expect(
      (await checkDecision(t.app, { accountId, subject, permission: 'payments.view', profileId: 'prf_a' })).allowed,
    ).toBe(true);
    expect(await checkDecision(t.app, { accountId, subject, permission: 'payments.view', profileId: 'prf_b' })).toEqual(
      { allowed: false, reason: 'profile_out_of_scope' },
    );
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'payouts.view',
          resource: { type: 'bank_account', id: 'ba-1' },
        })
      ).allowed,
    ).toBe(true);
    expect(
      await checkDecision(t.app, {
        accountId,
        subject,
        permission: 'payouts.view',
        resource: { type: 'bank_account', id: 'ba-2' },
      }),
    ).toEqual({ allowed: false, reason: 'resource_out_of_scope' });
  });

  it('applies own-records grants, reading the owner of a registered resource when the caller does not say', async () => {
    const restricted = await addMember(t.app, accountId, {
      permissions: [{ permission: 'orders.view', scope: 'own' }],
    });
    const other = await addMember(t.app, accountId, { builtinRole: 'administrator' });
    const subject = { memberId: restricted.memberId };
    expect(await checkDecision(t.app, { accountId, subject, permission: 'orders.view' })).toMatchObject({
      allowed: true,
      scope: 'own',
    });
    expect(
      await checkDecision(t.app, {
        accountId,
        subject,
        permission: 'orders.view',
        resource: { type: 'order', id: 'o-1', ownerMemberId: other.memberId },
      }),
    ).toEqual({ allowed: false, reason: 'not_resource_owner' });
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'orders.view',
          resource: { type: 'order', id: 'o-1', ownerMemberId: restricted.memberId },
        })
      ).allowed,
    ).toBe(true);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${accountId}/resources/product/p-mine`,
      headers: platformHeaders,
      payload: { name: 'Mine', ownerMemberId: restricted.memberId },
    });
    expect(put.statusCode).toBe(201);
    const ownProduct = await addMember(t.app, accountId, {
      permissions: [{ permission: 'orders.edit', scope: 'own' }],
    });
    expect(
      await checkDecision(t.app, {
        accountId,
        subject: { memberId: ownProduct.memberId },
        permission: 'orders.edit',
        resource: { type: 'product', id: 'p-mine' },
      }),
    ).toEqual({ allowed: false, reason: 'not_resource_owner' });
  });

  it('never answers about another tenant’s members', async () => {
    const stranger = await addMember(t.app, otherAccountId, { builtinRole: 'administrator' });
    expect(
      await checkDecision(t.app, { accountId, subject: { memberId: stranger.memberId }, permission: 'payments.view' }),
    ).toEqual({ allowed: false, reason: 'unknown_subject' });
    expect(
      await checkDecision(t.app, { accountId, subject: { userId: stranger.userId }, permission: 'payments.view' }),
    ).toEqual({ allowed: false, reason: 'unknown_subject' });
  });

  it('refuses malformed checks with problem+json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      headers: platformHeaders,
      payload: { accountId, subject: { memberId: 'x', userId: 'y' }, permission: 'payments.view' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('request.invalid');
  });
});

describe('POST /v1/authz/check-batch', () => {
  it('answers up to 1,000 checks in order, and refuses more', async () => {
    const admin = await addMember(t.app, accountId, { builtinRole: 'administrator' });
    const viewer = await addMember(t.app, accountId, { builtinRole: 'view_only' });
    const checks = Array.from({ length: 1000 }, (_, i) => ({
      accountId,
      subject: { memberId: i % 2 ? viewer.memberId : admin.memberId },
      permission: 'users.invite',
    }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: { checks },
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results).toHaveLength(1000);
    expect(results.every((result: { allowed: boolean }, i: number) => result.allowed === (i % 2 === 0))).toBe(true);
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: { checks: [...checks, checks[0]] },
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('takes the account and subject once for the whole batch; a check naming its own wins; neither is a 400', async () => {
    const viewer = await addMember(t.app, accountId, { builtinRole: 'view_only' });
    const admin = await addMember(t.app, accountId, { builtinRole: 'administrator' });
    const batch = {
      accountId,
      subject: { memberId: viewer.memberId },
      checks: [
        { permission: 'payments.view' },
        { permission: 'users.invite' },
        { subject: { memberId: admin.memberId }, permission: 'users.invite' },
        { accountId: otherAccountId, permission: 'payments.view' },
      ],
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: batch,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((result: { reason: string }) => result.reason)).toEqual([
      'granted',
      'permission_not_granted',
      'granted',
      'unknown_subject',
    ]);

    const incomplete = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: {
        accountId,
        checks: [
          { subject: { memberId: viewer.memberId }, permission: 'payments.view' },
          { permission: 'payments.view' },
        ],
      },
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.headers['content-type']).toContain('application/problem+json');
    expect(incomplete.json().errors).toEqual([
      { field: 'body/checks/1/subject', message: 'is required here or once for the batch' },
    ]);
  });

  it('answers a mixed batch (loaded and unloaded members, resource lookups, other tenants) as single checks would', async () => {
    const profile = async (name: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/accounts/${accountId}/profiles`,
          headers: platformHeaders,
          payload: { name },
        })
      ).json<{ id: string }>().id;
    const [storeA, storeB] = [await profile('Store A'), await profile('Store B')];
    const scoped = await addMember(t.app, accountId, { builtinRole: 'administrator', profileIds: [storeA] });
    const ownOnly = await addMember(t.app, accountId, { permissions: [{ permission: 'orders.edit', scope: 'own' }] });
    const stranger = await addMember(t.app, otherAccountId, { builtinRole: 'administrator' });
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${accountId}/resources/product/p-batch`,
      headers: platformHeaders,
      payload: { name: 'Batch', profileId: storeB, ownerMemberId: ownOnly.memberId },
    });
    expect(put.statusCode).toBe(201);
    const checks = [
      {
        accountId,
        subject: { memberId: scoped.memberId },
        permission: 'products.view',
        resource: { type: 'product', id: 'p-batch' },
      },
      { accountId, subject: { memberId: scoped.memberId }, permission: 'payments.view', profileId: storeA },
      {
        accountId,
        subject: { memberId: ownOnly.memberId },
        permission: 'orders.edit',
        resource: { type: 'product', id: 'p-batch' },
      },
      {
        accountId,
        subject: { memberId: ownOnly.memberId },
        permission: 'orders.edit',
        resource: { type: 'order', id: 'o-9', ownerMemberId: scoped.memberId },
      },
      { accountId, subject: { memberId: stranger.memberId }, permission: 'payments.view' },
      { accountId, subject: { userId: ownOnly.userId }, permission: 'orders.edit' },
      { accountId, subject: { memberId: 'mem_doesnotexist' }, permission: 'payments.view' },
    ];
    // The first batch meets every member cold; the second finds them compiled in memory.
    for (let round = 0; round < 2; round++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/authz/check-batch',
        headers: platformHeaders,
        payload: { checks },
      });
      expect(res.statusCode).toBe(200);
      const singles = [];
      for (const single of checks) singles.push(await checkDecision(t.app, single));
      expect(res.json().results).toEqual(singles);
    }
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: { checks },
    });
    expect(again.json<{ results: { reason: string }[] }>().results.map((result) => result.reason)).toEqual([
      'profile_out_of_scope',
      'granted',
      'granted',
      'not_resource_owner',
      'unknown_subject',
      'granted',
      'unknown_subject',
    ]);
  });
});

describe('invalidation', () => {
  it('a role edit is seen by the very next check on a second instance sharing the database', async () => {
    const second =
      engine === 'postgres' ? await openDatabase({ databaseUrl: t.database.url, poolSize: 2 }) : t.database;
    const other = await buildApp(testConfig(), { database: second });
    try {
      const role = await t.app.inject({
        method: 'POST',
        url: `/v1/accounts/${accountId}/roles`,
        headers: platformHeaders,
        payload: { name: 'Refunds desk', permissions: [{ permission: 'payments.view', scope: 'all' }] },
      });
      expect(role.statusCode).toBe(201);
      const member = await addMember(t.app, accountId, { roleId: role.json().id });
      const body = { accountId, subject: { memberId: member.memberId }, permission: 'refunds.issue' };
      const ask = async () =>
        (await other.inject({ method: 'POST', url: '/v1/authz/check', headers: platformHeaders, payload: body })).json()
          .allowed;
      expect(await ask()).toBe(false); // now compiled and cached on the second instance
      // Toggle a few times: each edit must be visible to the very next check over there.
      for (const refunds of [true, false, true, false, true]) {
        const permissions = [
          { permission: 'payments.view', scope: 'all' },
          ...(refunds ? [{ permission: 'refunds.issue', scope: 'all' }] : []),
        ];
        const edit = await t.app.inject({
          method: 'PATCH',
          url: `/v1/accounts/${accountId}/roles/${role.json().id}`,
          headers: platformHeaders,
          payload: { permissions, confirm: true },
        });
        expect(edit.statusCode).toBe(200);
        expect(await ask()).toBe(refunds);
      }
      // And a status change made directly through the first instance's commit path is seen too.
      await t.app.deps.access.commit(async (trx, changed) => {
        await sql`update members set status = 'inactive' where id = ${member.memberId}`.execute(trx);
        changed({ kind: 'member', id: member.memberId });
      });
      expect(await ask()).toBe(false);
    } finally {
      await other.close();
      if (second !== t.database) await second.close();
    }
  });
});
