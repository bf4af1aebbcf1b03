import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogPath } from '../../../src/catalog/catalog.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { getCatalog } from '../../support/clients/catalog.js';
import { invite } from '../../support/clients/invitations.js';
import { changeMemberStatus, getMember, setResourceAssignment, updateMember } from '../../support/clients/members.js';
import { createProfile } from '../../support/clients/profiles.js';
import { platform } from '../../support/clients/request.js';
import { putResource } from '../../support/clients/resources.js';
import { createRole } from '../../support/clients/roles.js';
import { acceptInvitationAsNewUser } from '../../support/invitee.js';
import { mailsTo } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

// PRODUCT rule 6 and the seeds: Wompi assigns payout bank accounts only to active members;
// Juspay limits a new user to product and gateway ids in the invitation itself. The default
// catalog says so per resource type, and invitations, edits and single assignments obey it alike.
const { t, owner, accountId } = await ownerAccount();

const scopeOf = async (memberId: string) => (await getMember(t.app, owner, accountId, memberId)).body.resourceScope;
const assign = (memberId: string, type: string, id: string, assigned = true) =>
  setResourceAssignment(t.app, owner, accountId, memberId, { type, id }, assigned);

beforeAll(async () => {
  for (const [type, id] of [
    ['bank_account', 'co-001'],
    ['bank_account', 'co-002'],
    ['product', 'prod-web'],
    ['product', 'prod-app'],
  ]) {
    expect((await putResource(t.app, platform, accountId, type, id, { name: id })).status).toBeLessThan(300);
  }
});

describe('resources of a type assigned only to active members (payout bank accounts)', () => {
  it('a new member starts with none, the invitation cannot give any, nor can an edit or an assignment before they join; after, they can', async () => {
    const refused = await invite(t.app, owner, accountId, {
      email: 'early@wompi-user.example',
      roleId: 'builtin:finance',
      resources: { bank_account: ['co-001'] },
    });
    expect([refused.status, refused.code]).toEqual([409, 'member.not_active']);
    expect(refused.problem?.detail).toMatch(/Payout bank account.*only once the member is active/);
    expect(await mailsTo(t.app, 'early@wompi-user.example', 'invitation')).toHaveLength(0);

    const invited = await invite(t.app, owner, accountId, {
      email: 'pedro@wompi-user.example',
      roleId: 'builtin:finance',
      resources: { product: ['prod-web'] },
    });
    expect(invited.status).toBe(201);
    const { memberId } = invited.body;
    expect(await scopeOf(memberId)).toEqual({ bank_account: [], product: ['prod-web'] });

    const edit = await updateMember(t.app, owner, accountId, memberId, {
      resources: { bank_account: ['co-001'], product: ['prod-web'] },
    });
    expect(edit.code).toBe('member.not_active');
    // Dropping the limit would give every bank account: just as refused.
    expect((await updateMember(t.app, owner, accountId, memberId, { resources: { product: ['prod-web'] } })).code).toBe(
      'member.not_active',
    );
    const early = await assign(memberId, 'bank_account', 'co-001');
    expect([early.status, early.code]).toEqual([409, 'member.not_active']);
    expect(await scopeOf(memberId)).toEqual({ bank_account: [], product: ['prod-web'] });

    await acceptInvitationAsNewUser(t.app, 'pedro@wompi-user.example');
    const active = await assign(memberId, 'bank_account', 'co-001');
    expect(active.status).toBe(200);
    expect(active.body.resourceScope.bank_account).toEqual(['co-001']);
  });
});

describe('resources of a type that may be limited in the invitation (Juspay products and gateways)', () => {
  it('an invited member’s products may be edited and assigned before they join, as the invitation set them', async () => {
    const invited = await invite(t.app, owner, accountId, {
      email: 'ops@juspay-merchant.example',
      roleId: 'builtin:support',
      resources: { product: ['prod-web'] },
    });
    expect(invited.status).toBe(201);
    const { memberId } = invited.body;
    const assigned = await assign(memberId, 'product', 'prod-app');
    expect(assigned.status).toBe(200);
    expect(assigned.body.resourceScope.product.sort()).toEqual(['prod-app', 'prod-web']);
    // Restating the bank accounts they have (none) is no change, so an edit of products passes.
    const edit = await updateMember(t.app, owner, accountId, memberId, {
      resources: { bank_account: [], product: ['prod-app'] },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.resourceScope).toEqual({ bank_account: [], product: ['prod-app'] });
  });
});

describe('assigning one resource to a member who has them all', () => {
  it('answers its own code and says how to limit the member first', async () => {
    const member = await createUser(t.app, { accountId, builtinRole: 'finance' });
    const res = await assign(member.memberId!, 'product', 'prod-web');
    expect([res.status, res.code]).toEqual([409, 'member.resources_unlimited']);
    expect(res.problem?.detail).toContain('PATCH the member with "resources": {"product": ["prod-web"');
    expect((await assign(member.memberId!, 'product', 'prod-web', false)).code).toBe('member.resources_unlimited');
  });
});

describe('no escalation through the defaults', () => {
  it('an inviter limited to some products cannot invite someone with every product by naming none', async () => {
    const role = await createRole(t.app, platform, accountId, {
      name: 'Product lead',
      permissions: [
        { permission: 'users.invite', scope: 'all' },
        { permission: 'payments.view', scope: 'all' },
      ],
    });
    const lead = await createUser(t.app, { accountId });
    const set = await updateMember(t.app, platform, accountId, lead.memberId!, {
      roleId: role.body.id,
      resources: { bank_account: [], product: ['prod-web'] },
    });
    expect(set.status).toBe(200);
    const session = await stepUp(t.app, await signIn(t.app, lead));
    const payments = [{ permission: 'payments.view', scope: 'all' as const }];
    const unlimited = await invite(t.app, session, accountId, {
      email: 'everything@example.com',
      permissions: payments,
    });
    expect([unlimited.status, unlimited.code]).toEqual([403, 'authz.escalation']);
    const within = await invite(t.app, session, accountId, {
      email: 'within@example.com',
      permissions: payments,
      resources: { product: ['prod-web'] },
    });
    expect(within.status).toBe(201);
  });

  it('an inviter limited to some profiles cannot invite someone with every profile by naming none', async () => {
    const profile = await createProfile(t.app, owner, accountId, 'Bogotá store');
    expect(profile.status).toBe(201);
    const lead = await createUser(t.app, { accountId, builtinRole: 'administrator' });
    expect(
      (await updateMember(t.app, platform, accountId, lead.memberId!, { profileIds: [profile.body.id] })).status,
    ).toBe(200);
    const session = await signIn(t.app, lead);
    const everywhere = await invite(t.app, session, accountId, {
      email: 'everywhere@example.com',
      roleId: 'builtin:view_only',
    });
    expect(everywhere.code).toBe('authz.escalation');
    const within = await invite(t.app, session, accountId, {
      email: 'bogota@example.com',
      roleId: 'builtin:view_only',
      profileIds: [profile.body.id],
    });
    expect(within.status).toBe(201);
  });
});

describe('a catalog that lets bank accounts be assigned in the invitation', () => {
  let custom: TestApp;
  beforeAll(async () => {
    const doc = JSON.parse(readFileSync(defaultCatalogPath, 'utf8'));
    const bank = doc.resourceTypes.find((type: { key: string }) => type.key === 'bank_account');
    Object.assign(bank, { assignableBeforeActivation: true, newMembers: 'all' });
    const path = join(mkdtempSync(join(tmpdir(), 'gh-catalog-')), 'catalog.json');
    writeFileSync(path, JSON.stringify(doc));
    custom = await createTestApp({ env: { GATEHOUSE_CATALOG: path } });
  });
  afterAll(() => custom?.close());

  it('is obeyed: the invitation names them, and a new member who is given none has every one', async () => {
    const boss = await stepUp(custom.app, await signUpAndSignIn(custom.app, { account: { name: 'Custom' } }));
    const bossAccount = boss.accountId!;
    expect(
      (await putResource(custom.app, platform, bossAccount, 'bank_account', 'co-001', { name: 'co-001' })).status,
    ).toBe(201);
    const named = await invite(custom.app, boss, bossAccount, {
      email: 'named@example.com',
      roleId: 'builtin:finance',
      resources: { bank_account: ['co-001'] },
    });
    expect(named.status).toBe(201);
    const plain = await invite(custom.app, boss, bossAccount, {
      email: 'plain@example.com',
      roleId: 'builtin:finance',
    });
    expect((await getMember(custom.app, boss, bossAccount, plain.body.memberId)).body.resourceScope).toEqual({});
    const catalog = (await getCatalog(custom.app, boss)).body;
    expect(catalog.resourceTypes.find((type) => type.key === 'bank_account')).toEqual({
      key: 'bank_account',
      name: 'Payout bank account',
      assignableBeforeActivation: true,
      newMembers: 'all',
    });
  });
});

describe('single resource assignments', () => {
  it('are possible only for active members, and only for registered resources', async () => {
    for (const id of ['ba-1', 'ba-2'])
      expect(
        (await putResource(t.app, platform, accountId, 'bank_account', id, { name: `Account ${id}` })).status,
      ).toBe(201);
    const target = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect(
      (await updateMember(t.app, owner, accountId, target.memberId!, { resources: { bank_account: ['ba-1'] } })).status,
    ).toBe(200);
    const assigned = await assign(target.memberId!, 'bank_account', 'ba-2');
    expect(assigned.status).toBe(200);
    expect(assigned.body.resourceScope.bank_account.sort()).toEqual(['ba-1', 'ba-2']);
    const unknown = await assign(target.memberId!, 'bank_account', 'nope');
    expect([unknown.status, unknown.code]).toEqual([404, 'resource.not_found']);
    const inactive = await createUser(t.app, { accountId, builtinRole: 'finance', totp: false });
    expect((await changeMemberStatus(t.app, platform, accountId, inactive.memberId!, 'deactivate')).status).toBe(200);
    const refused = await assign(inactive.memberId!, 'bank_account', 'ba-1');
    expect([refused.status, refused.code]).toEqual([409, 'member.not_active']);
  });
});
