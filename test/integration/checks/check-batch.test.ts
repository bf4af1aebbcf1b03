import { beforeAll, describe, expect, it } from 'vitest';
import { type Check, checkBatch } from '../../support/clients/checks.js';
import { createProfile } from '../../support/clients/profiles.js';
import { platform } from '../../support/clients/request.js';
import { putResource } from '../../support/clients/resources.js';
import { addMember, checkDecision, checkedAndOtherAccount } from '../../support/fixtures.js';
import { useTestApp } from '../../support/use-test-app.js';

const t = useTestApp();
let accountId: string;
let otherAccountId: string;

beforeAll(async () => {
  ({ accountId, otherAccountId } = await checkedAndOtherAccount(t.app));
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
    const res = await checkBatch(t.app, platform, { checks });
    expect(res.status).toBe(200);
    const { results } = res.body;
    expect(results).toHaveLength(1000);
    expect(results.every((result, i) => result.allowed === (i % 2 === 0))).toBe(true);
    expect((await checkBatch(t.app, platform, { checks: [...checks, checks[0]] })).status).toBe(400);
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
    const res = await checkBatch(t.app, platform, batch);
    expect(res.status).toBe(200);
    expect(res.body.results.map((result) => result.reason)).toEqual([
      'granted',
      'permission_not_granted',
      'granted',
      'unknown_subject',
    ]);

    const incomplete = await checkBatch(t.app, platform, {
      accountId,
      checks: [
        { subject: { memberId: viewer.memberId }, permission: 'payments.view' },
        { permission: 'payments.view' },
      ],
    });
    expect(incomplete.status).toBe(400);
    expect(incomplete.response.headers['content-type']).toContain('application/problem+json');
    expect(incomplete.problem?.errors).toEqual([
      { field: 'body/checks/1/subject', message: 'is required here or once for the batch' },
    ]);
  });

  it('answers a mixed batch (loaded and unloaded members, resource lookups, other tenants) as single checks would', async () => {
    const profile = async (name: string) => (await createProfile(t.app, platform, accountId, name)).body.id;
    const [storeA, storeB] = [await profile('Store A'), await profile('Store B')];
    const scoped = await addMember(t.app, accountId, { builtinRole: 'administrator', profileIds: [storeA] });
    const ownOnly = await addMember(t.app, accountId, { permissions: [{ permission: 'orders.edit', scope: 'own' }] });
    const stranger = await addMember(t.app, otherAccountId, { builtinRole: 'administrator' });
    const put = await putResource(t.app, platform, accountId, 'product', 'p-batch', {
      name: 'Batch',
      profileId: storeB,
      ownerMemberId: ownOnly.memberId,
    });
    expect(put.status).toBe(201);
    const checks: Check[] = [
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
      const res = await checkBatch(t.app, platform, { checks });
      expect(res.status).toBe(200);
      const singles = [];
      for (const single of checks) singles.push(await checkDecision(t.app, single));
      expect(res.body.results).toEqual(singles);
    }
    const again = await checkBatch(t.app, platform, { checks });
    expect(again.body.results.map((result) => result.reason)).toEqual([
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
