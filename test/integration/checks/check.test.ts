import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../support/clients/checks.js';
import { anonymous, bearer, platform } from '../../support/clients/request.js';
import { putResource } from '../../support/clients/resources.js';
import { addMember, checkDecision, checkedAndOtherAccount } from '../../support/fixtures.js';
import { useTestApp } from '../../support/use-test-app.js';

const t = useTestApp();
let accountId: string;
let otherAccountId: string;

beforeAll(async () => {
  ({ accountId, otherAccountId } = await checkedAndOtherAccount(t.app));
});

describe('POST /v1/authz/check', () => {
  it('needs the platform token (or an API key): none or a wrong one is refused', async () => {
    const body = { accountId, subject: { memberId: 'mem_x' }, permission: 'payments.view' };
    expect((await check(t.app, anonymous, body)).status).toBe(401);
    expect((await check(t.app, bearer('not-the-token-at-all-0123456789abcdef'), body)).status).toBe(401);
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
    const put = await putResource(t.app, platform, accountId, 'product', 'p-mine', {
      name: 'Mine',
      ownerMemberId: restricted.memberId,
    });
    expect(put.status).toBe(201);
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
    const res = await check(t.app, platform, {
      accountId,
      subject: { memberId: 'x', userId: 'y' },
      permission: 'payments.view',
    });
    expect([res.status, res.code]).toEqual([400, 'request.invalid']);
    expect(res.response.headers['content-type']).toContain('application/problem+json');
  });
});
