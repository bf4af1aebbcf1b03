import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { getAccount } from '../../support/clients/accounts.js';
import { createApiKey } from '../../support/clients/api-keys.js';
import { memberPermissions } from '../../support/clients/checks.js';
import { createContact } from '../../support/clients/contacts.js';
import { invite } from '../../support/clients/invitations.js';
import { getMe } from '../../support/clients/me.js';
import {
  changeMemberStatus,
  getMember,
  listMembers,
  setResourceAssignment,
  updateMember,
} from '../../support/clients/members.js';
import { createProfile } from '../../support/clients/profiles.js';
import { anonymous, bearer, platform, send } from '../../support/clients/request.js';
import { putResource } from '../../support/clients/resources.js';
import { createRole, listRoles } from '../../support/clients/roles.js';
import { checkDecision } from '../../support/fixtures.js';
import { acceptInvitationAsNewUser } from '../../support/invitee.js';
import { latestMail } from '../../support/mailbox.js';
import { signUpAndSignIn, stepUp, type TestSession, type TestUser } from '../../support/users.js';

let t: TestApp;
let owner: TestUser & TestSession;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUpAndSignIn(t.app, { account: { name: 'Acme Payments' }, name: 'Olivia Owner' });
  accountId = owner.accountId!;
});
afterAll(() => t.close());
beforeEach(async () => {
  owner = await stepUp(t.app, owner);
});

const all = (...permissions: string[]) => permissions.map((permission) => ({ permission, scope: 'all' as const }));

describe('PayMongo: team members', () => {
  it('invited teammate accepts, sets a password and 2FA, and sees only payments', async () => {
    const invited = await invite(t.app, owner, accountId, {
      email: 'refunds@teammate.example',
      permissions: all('payments.view', 'refunds.issue', 'disputes.contest'),
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: 'refunds@teammate.example', status: 'pending' });
    const mail = await latestMail(t.app, 'refunds@teammate.example', 'invitation');
    expect(mail.subject).toContain('Acme Payments');
    // Before 2FA the membership is not active yet.
    const invitee = await acceptInvitationAsNewUser(t.app, 'refunds@teammate.example');
    const me = (await getMe(t.app, invitee)).body;
    expect(me.memberships).toEqual([expect.objectContaining({ accountId, status: 'active' })]);
    const subject = { memberId: invitee.memberId };
    expect((await checkDecision(t.app, { accountId, subject, permission: 'payments.view' })).allowed).toBe(true);
    expect((await checkDecision(t.app, { accountId, subject, permission: 'refunds.issue' })).allowed).toBe(true);
    expect((await checkDecision(t.app, { accountId, subject, permission: 'payouts.view' })).allowed).toBe(false);
    expect((await listMembers(t.app, invitee, accountId)).status).toBe(403);
  });

  it('the owner edits a teammate’s permissions and deletes them from the row menu', async () => {
    await invite(t.app, owner, accountId, { email: 'links@teammate.example', roleId: 'builtin:view_only' });
    const invitee = await acceptInvitationAsNewUser(t.app, 'links@teammate.example');
    const edit = await updateMember(t.app, owner, accountId, invitee.memberId, {
      permissions: all('payment_links.view', 'payment_links.create', 'payment_links.archive'),
    });
    expect(edit.status).toBe(200);
    const subject = { memberId: invitee.memberId };
    expect((await checkDecision(t.app, { accountId, subject, permission: 'payment_links.archive' })).allowed).toBe(
      true,
    );
    expect((await changeMemberStatus(t.app, owner, accountId, invitee.memberId, 'remove')).body.status).toBe('removed');
    // It was their only account: removal ended their session (PRODUCT rule 4).
    expect((await getAccount(t.app, invitee, accountId)).status).toBe(401);
  });
});

describe('Wompi: users of payouts', () => {
  it('admin creates a user with fixed identity fields, assigns a bank account once active, changes role with 2FA and confirmation, deactivates and deletes', async () => {
    expect(
      (await putResource(t.app, platform, accountId, 'bank_account', 'co-001', { name: 'Bancolombia 001' })).status,
    ).toBe(201);
    const invited = await invite(t.app, owner, accountId, {
      email: 'payouts@wompi-user.example',
      name: 'Pedro Pagos',
      identity: { idType: 'CC', idNumber: '1020304050', phone: '+57 300 123 4567' },
      roleId: 'builtin:finance',
      resources: { bank_account: [] },
    });
    expect(invited.status).toBe(201);
    const { memberId } = invited.body;
    const bankAccount = { type: 'bank_account', id: 'co-001' };
    // Not active yet: no bank accounts can be assigned.
    const early = await setResourceAssignment(t.app, owner, accountId, memberId, bankAccount, true);
    expect(early.code).toBe('member.not_active');
    const invitee = await acceptInvitationAsNewUser(t.app, 'payouts@wompi-user.example');
    const assigned = await setResourceAssignment(t.app, owner, accountId, memberId, bankAccount, true);
    expect(assigned.body.resourceScope).toEqual({ bank_account: ['co-001'] });
    const payouts = (id: string) =>
      checkDecision(t.app, {
        accountId,
        subject: { memberId },
        permission: 'payouts.view',
        resource: { type: 'bank_account', id },
      });
    expect((await payouts('co-001')).allowed).toBe(true);
    expect((await payouts('co-999')).allowed).toBe(false);
    const detail = (await getMember(t.app, owner, accountId, memberId)).body;
    expect(detail.identity).toEqual({ idType: 'CC', idNumber: '1020304050', phone: '+57 300 123 4567' });
    expect((await updateMember(t.app, owner, accountId, memberId, { identity: { idNumber: '999' } })).code).toBe(
      'member.identity_fixed',
    );
    expect((await updateMember(t.app, owner, accountId, memberId, { roleId: 'builtin:support' }, false)).code).toBe(
      'request.confirmation_required',
    );
    expect((await updateMember(t.app, owner, accountId, memberId, { roleId: 'builtin:support' })).body.role?.id).toBe(
      'builtin:support',
    );
    expect((await changeMemberStatus(t.app, owner, accountId, memberId, 'deactivate')).body.status).toBe('inactive');
    expect((await getAccount(t.app, invitee, accountId)).status).toBeGreaterThanOrEqual(401);
    expect((await changeMemberStatus(t.app, owner, accountId, memberId, 'remove')).body.status).toBe('removed');
  });
});

describe('Monarx: billing users and contacts', () => {
  it('owner invites with chosen permissions, adds a contact who cannot sign in, removes access, and re-invites later', async () => {
    const billing = all(
      'invoices.view',
      'invoices.pay',
      'quotes.view',
      'quotes.accept',
      'support_tickets.view',
      'support_tickets.open',
    );
    await invite(t.app, owner, accountId, { email: 'billing@monarx-client.example', permissions: billing });
    const invitee = await acceptInvitationAsNewUser(t.app, 'billing@monarx-client.example');
    const held = (await memberPermissions(t.app, invitee, accountId, invitee.memberId)).body.permissions;
    expect(held.map((grant) => grant.permission).sort()).toEqual(billing.map((grant) => grant.permission).sort());
    const contact = await createContact(t.app, owner, accountId, {
      email: 'accounts-payable@monarx-client.example',
      name: 'AP desk',
      topics: ['billing'],
    });
    expect(contact.status).toBe(201);
    const signInAsContact = await send(t.app, anonymous, 'POST', '/v1/session', {
      email: 'accounts-payable@monarx-client.example',
      password: 'whatever it is 123',
    });
    expect(signInAsContact.status).toBe(401);
    expect((await listMembers(t.app, owner, accountId, { q: 'accounts-payable' })).body.items).toEqual([]);
    expect((await changeMemberStatus(t.app, owner, accountId, invitee.memberId, 'remove')).status).toBe(200);
    const again = await invite(t.app, owner, accountId, {
      email: 'billing@monarx-client.example',
      permissions: billing,
    });
    expect(again.status).toBe(201);
  });
});

describe('Juspay: users management', () => {
  it('invites with a custom role created inside the invite flow, limited to product and gateway ids; the invitee sets a password and 2FA', async () => {
    for (const [type, id] of [
      ['product', 'prod-web'],
      ['gateway', 'gw-stripe'],
    ]) {
      expect((await putResource(t.app, platform, accountId, type, id, { name: id })).status).toBe(201);
    }
    const invited = await invite(t.app, owner, accountId, {
      email: 'ops@juspay-merchant.example',
      newRole: { name: 'Gateway ops', permissions: all('payments.view', 'gateways.view') },
      resources: { product: ['prod-web'], gateway: ['gw-stripe'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.role?.name).toBe('Gateway ops');
    const roles = (await listRoles(t.app, owner, accountId)).body.items.map((role) => role.name);
    expect(roles).toContain('Gateway ops');
    const invitee = await acceptInvitationAsNewUser(t.app, 'ops@juspay-merchant.example');
    const payments = (type: string, id: string) =>
      checkDecision(t.app, {
        accountId,
        subject: { memberId: invitee.memberId },
        permission: 'payments.view',
        resource: { type, id },
      });
    expect((await payments('gateway', 'gw-stripe')).allowed).toBe(true);
    expect((await payments('gateway', 'gw-adyen')).reason).toBe('resource_out_of_scope');
    expect((await payments('product', 'prod-app')).reason).toBe('resource_out_of_scope');
  });
});

describe('BillPro: manage users', () => {
  it('admin gives a user profiles, the payment-links channel and API access; restricted users see only their own orders', async () => {
    const storeA = (await createProfile(t.app, owner, accountId, 'Store A')).body;
    const restrictedRole = await createRole(t.app, owner, accountId, {
      name: 'restricted_user',
      permissions: [
        { permission: 'products.view', scope: 'all' },
        { permission: 'customers.view', scope: 'own' },
        { permission: 'customers.create', scope: 'all' },
        { permission: 'orders.view', scope: 'own' },
        { permission: 'orders.create', scope: 'all' },
      ],
    });
    expect(restrictedRole.status).toBe(201);
    await invite(t.app, owner, accountId, {
      email: 'clerk@billpro.example',
      roleId: restrictedRole.body.id,
      profileIds: [storeA.id],
      flags: { paymentLinks: false },
    });
    const clerk = await acceptInvitationAsNewUser(t.app, 'clerk@billpro.example');
    const detail = (await getMember(t.app, owner, accountId, clerk.memberId)).body;
    expect(detail).toMatchObject({ profileIds: [storeA.id], flags: { paymentLinks: false, apiAccess: false } });
    const subject = { memberId: clerk.memberId };
    const order = (id: string, ownerMemberId: string | undefined) =>
      checkDecision(t.app, {
        accountId,
        subject,
        permission: 'orders.view',
        profileId: storeA.id,
        resource: { type: 'order', id, ownerMemberId },
      });
    expect((await order('o-1', clerk.memberId)).allowed).toBe(true);
    expect((await order('o-2', owner.memberId)).reason).toBe('not_resource_owner');
    expect(
      (await checkDecision(t.app, { accountId, subject, permission: 'orders.view', profileId: 'prf_other' })).reason,
    ).toBe('profile_out_of_scope');
    // The integration user: admin_user with API access.
    await invite(t.app, owner, accountId, {
      email: 'integration@billpro.example',
      roleId: 'builtin:administrator',
      flags: { apiAccess: true },
    });
    const integration = await acceptInvitationAsNewUser(t.app, 'integration@billpro.example');
    const code = await generate({
      secret: integration.totpSecret,
      epoch: Math.floor(t.clock.now().getTime() / 1000) + 30,
    });
    const steppedUp = await send<{ csrfToken: string }>(t.app, integration, 'POST', '/v1/me/step-up', { code });
    expect(steppedUp.status).toBe(200);
    const [cookie] = steppedUp.response.cookies;
    const fresh = { headers: { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': steppedUp.body.csrfToken } };
    const key = await createApiKey(t.app, fresh, accountId, { name: 'BillPro integration' });
    expect(key.status).toBe(201);
    expect((await listMembers(t.app, bearer(key.body.key), accountId)).status).toBe(200);
  });
});
