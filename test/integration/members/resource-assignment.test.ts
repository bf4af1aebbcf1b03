import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogPath } from '../../../src/catalog/catalog.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { changeMemberStatus, setResourceAssignment, updateMember } from '../../support/clients/members.js';
import { platform } from '../../support/clients/request.js';
import { putResource } from '../../support/clients/resources.js';
import { platformHeaders } from '../../support/fixtures.js';
import { acceptInvitationAsNewUser } from '../../support/invitee.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';
import { mailsTo } from '../../support/mailbox.js';

// PRODUCT rule 6 and the seeds: Wompi assigns payout bank accounts only to active members;
// Juspay limits a new user to product and gateway ids in the invitation itself. The default
// catalog says so per resource type, and invitations, edits and single assignments obey it alike.
const { t, owner, accountId, url } = await ownerAccount();

const as = (
  headers: Record<string, string>,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  payload?: object,
) => t.app.inject({ method, url: url(path), headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  for (const [type, id] of [
    ['bank_account', 'co-001'],
    ['bank_account', 'co-002'],
    ['product', 'prod-web'],
    ['product', 'prod-app'],
  ]) {
    const res = await t.app.inject({
      method: 'PUT',
      url: url(`/resources/${type}/${id}`),
      headers: platformHeaders,
      payload: { name: id },
    });
    expect(res.statusCode).toBeLessThan(300);
  }
});

describe('resources of a type assigned only to active members (payout bank accounts)', () => {
  it('a new member starts with none, the invitation cannot give any, nor can an edit or an assignment before they join; after, they can', async () => {
    const refused = await as(owner.headers, 'POST', '/invitations', {
      email: 'early@wompi-user.example',
      roleId: 'builtin:finance',
      resources: { bank_account: ['co-001'] },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('member.not_active');
    expect(refused.json().detail).toMatch(/Payout bank account.*only once the member is active/);
    expect(await mailsTo(t.app, 'early@wompi-user.example', 'invitation')).toHaveLength(0);

    const invite = await as(owner.headers, 'POST', '/invitations', {
      email: 'pedro@wompi-user.example',
      roleId: 'builtin:finance',
      resources: { product: ['prod-web'] },
    });
    expect(invite.statusCode).toBe(201);
    const memberId = invite.json().memberId;
    expect((await as(owner.headers, 'GET', `/members/${memberId}`)).json().resourceScope).toEqual({
      bank_account: [],
      product: ['prod-web'],
    });

    const edit = await as(owner.headers, 'PATCH', `/members/${memberId}`, {
      resources: { bank_account: ['co-001'], product: ['prod-web'] },
      confirm: true,
    });
    expect(edit.json().code).toBe('member.not_active');
    // Dropping the limit would give every bank account: just as refused.
    expect(
      (
        await as(owner.headers, 'PATCH', `/members/${memberId}`, {
          resources: { product: ['prod-web'] },
          confirm: true,
        })
      ).json().code,
    ).toBe('member.not_active');
    const assign = await as(owner.headers, 'PUT', `/members/${memberId}/resources/bank_account/co-001`, {
      confirm: true,
    });
    expect(assign.statusCode).toBe(409);
    expect(assign.json().code).toBe('member.not_active');
    expect((await as(owner.headers, 'GET', `/members/${memberId}`)).json().resourceScope).toEqual({
      bank_account: [],
      product: ['prod-web'],
    });

    await acceptInvitationAsNewUser(t.app, 'pedro@wompi-user.example');
    const active = await as(owner.headers, 'PUT', `/members/${memberId}/resources/bank_account/co-001`, {
      confirm: true,
    });
    expect(active.statusCode).toBe(200);
    expect(active.json().resourceScope.bank_account).toEqual(['co-001']);
  });
});

describe('resources of a type that may be limited in the invitation (Juspay products and gateways)', () => {
  it('an invited member’s products may be edited and assigned before they join, as the invitation set them', async () => {
    const invite = await as(owner.headers, 'POST', '/invitations', {
      email: 'ops@juspay-merchant.example',
      roleId: 'builtin:support',
      resources: { product: ['prod-web'] },
    });
    expect(invite.statusCode).toBe(201);
    const memberId = invite.json().memberId;
    const assign = await as(owner.headers, 'PUT', `/members/${memberId}/resources/product/prod-app`, { confirm: true });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().resourceScope.product.sort()).toEqual(['prod-app', 'prod-web']);
    // Restating the bank accounts they have (none) is no change, so an edit of products passes.
    const edit = await as(owner.headers, 'PATCH', `/members/${memberId}`, {
      resources: { bank_account: [], product: ['prod-app'] },
      confirm: true,
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().resourceScope).toEqual({ bank_account: [], product: ['prod-app'] });
  });
});

describe('assigning one resource to a member who has them all', () => {
  it('answers its own code and says how to limit the member first', async () => {
    const member = await createUser(t.app, { accountId: owner.accountId, builtinRole: 'finance' });
    const res = await as(owner.headers, 'PUT', `/members/${member.memberId}/resources/product/prod-web`, {
      confirm: true,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('member.resources_unlimited');
    expect(res.json().detail).toContain('PATCH the member with "resources": {"product": ["prod-web"');
    const unassign = await as(owner.headers, 'DELETE', `/members/${member.memberId}/resources/product/prod-web`, {
      confirm: true,
    });
    expect(unassign.json().code).toBe('member.resources_unlimited');
  });
});

describe('no escalation through the defaults', () => {
  it('an inviter limited to some products cannot invite someone with every product by naming none', async () => {
    const role = await t.app.inject({
      method: 'POST',
      url: url('/roles'),
      headers: platformHeaders,
      payload: {
        name: 'Product lead',
        permissions: [
          { permission: 'users.invite', scope: 'all' },
          { permission: 'payments.view', scope: 'all' },
        ],
      },
    });
    const lead = await createUser(t.app, { accountId: owner.accountId });
    const set = await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${lead.memberId}`),
      headers: platformHeaders,
      payload: { roleId: role.json().id, resources: { bank_account: [], product: ['prod-web'] }, confirm: true },
    });
    expect(set.statusCode).toBe(200);
    const session = await stepUp(t.app, await signIn(t.app, lead));
    const unlimited = await as(session.headers, 'POST', '/invitations', {
      email: 'everything@example.com',
      permissions: [{ permission: 'payments.view', scope: 'all' }],
    });
    expect(unlimited.statusCode).toBe(403);
    expect(unlimited.json().code).toBe('authz.escalation');
    const within = await as(session.headers, 'POST', '/invitations', {
      email: 'within@example.com',
      permissions: [{ permission: 'payments.view', scope: 'all' }],
      resources: { product: ['prod-web'] },
    });
    expect(within.statusCode).toBe(201);
  });

  it('an inviter limited to some profiles cannot invite someone with every profile by naming none', async () => {
    const profile = await t.app.inject({
      method: 'POST',
      url: url('/profiles'),
      headers: owner.headers,
      payload: { name: 'Bogotá store' },
    });
    expect(profile.statusCode).toBe(201);
    const lead = await createUser(t.app, { accountId: owner.accountId, builtinRole: 'administrator' });
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${lead.memberId}`),
      headers: platformHeaders,
      payload: { profileIds: [profile.json().id], confirm: true },
    });
    const session = await signIn(t.app, lead);
    const everywhere = await as(session.headers, 'POST', '/invitations', {
      email: 'everywhere@example.com',
      roleId: 'builtin:view_only',
    });
    expect(everywhere.json().code).toBe('authz.escalation');
    const within = await as(session.headers, 'POST', '/invitations', {
      email: 'bogota@example.com',
      roleId: 'builtin:view_only',
      profileIds: [profile.json().id],
    });
    expect(within.statusCode).toBe(201);
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
    const at = (path: string) => `/v1/accounts/${boss.accountId}${path}`;
    await custom.app.inject({
      method: 'PUT',
      url: at('/resources/bank_account/co-001'),
      headers: platformHeaders,
      payload: { name: 'co-001' },
    });
    const named = await custom.app.inject({
      method: 'POST',
      url: at('/invitations'),
      headers: boss.headers,
      payload: { email: 'named@example.com', roleId: 'builtin:finance', resources: { bank_account: ['co-001'] } },
    });
    expect(named.statusCode).toBe(201);
    const plain = await custom.app.inject({
      method: 'POST',
      url: at('/invitations'),
      headers: boss.headers,
      payload: { email: 'plain@example.com', roleId: 'builtin:finance' },
    });
    const detail = await custom.app.inject({
      method: 'GET',
      url: at(`/members/${plain.json().memberId}`),
      headers: boss.headers,
    });
    expect(detail.json().resourceScope).toEqual({});
    const catalog = (await custom.app.inject({ method: 'GET', url: '/v1/catalog', headers: boss.headers })).json();
    expect(catalog.resourceTypes.find((type: { key: string }) => type.key === 'bank_account')).toEqual({
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
    const bankAccount = (id: string) => ({ type: 'bank_account', id });
    const assign = await setResourceAssignment(t.app, owner, accountId, target.memberId!, bankAccount('ba-2'), true);
    expect(assign.status).toBe(200);
    expect(assign.body.resourceScope.bank_account.sort()).toEqual(['ba-1', 'ba-2']);
    const unknown = await setResourceAssignment(t.app, owner, accountId, target.memberId!, bankAccount('nope'), true);
    expect([unknown.status, unknown.code]).toEqual([404, 'resource.not_found']);
    const inactive = await createUser(t.app, { accountId, builtinRole: 'finance', totp: false });
    expect((await changeMemberStatus(t.app, platform, accountId, inactive.memberId!, 'deactivate')).status).toBe(200);
    const refused = await setResourceAssignment(t.app, owner, accountId, inactive.memberId!, bankAccount('ba-1'), true);
    expect([refused.status, refused.code]).toEqual([409, 'member.not_active']);
  });
});
