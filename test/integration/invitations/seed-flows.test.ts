import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { checkDecision, platformHeaders } from '../../support/fixtures.js';
import { acceptInvitationAsNewUser } from '../../support/invitee.js';
import { latestMail } from '../../support/mailbox.js';
import { generate } from 'otplib';
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

const url = (path: string) => `/v1/accounts/${accountId}${path}`;
const as = (headers: object, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, payload?: object) =>
  t.app.inject({ method, url: url(path), headers: headers as Record<string, string>, ...(payload ? { payload } : {}) });

describe('PayMongo: team members', () => {
  it('invited teammate accepts, sets a password and 2FA, and sees only payments', async () => {
    const invite = await as(owner.headers, 'POST', '/invitations', {
      email: 'refunds@teammate.example',
      permissions: [
        { permission: 'payments.view', scope: 'all' },
        { permission: 'refunds.issue', scope: 'all' },
        { permission: 'disputes.contest', scope: 'all' },
      ],
    });
    expect(invite.statusCode).toBe(201);
    expect(invite.json()).toMatchObject({ email: 'refunds@teammate.example', status: 'pending' });
    const mail = await latestMail(t.app, 'refunds@teammate.example', 'invitation');
    expect(mail.subject).toContain('Acme Payments');
    // Before 2FA the membership is not active yet.
    const invitee = await acceptInvitationAsNewUser(t.app, 'refunds@teammate.example');
    const me = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: invitee.headers })).json();
    expect(me.memberships).toEqual([expect.objectContaining({ accountId, status: 'active' })]);
    const subject = { memberId: invitee.memberId };
    expect((await checkDecision(t.app, { accountId, subject, permission: 'payments.view' })).allowed).toBe(true);
    expect((await checkDecision(t.app, { accountId, subject, permission: 'refunds.issue' })).allowed).toBe(true);
    expect((await checkDecision(t.app, { accountId, subject, permission: 'payouts.view' })).allowed).toBe(false);
    expect((await as(invitee.headers, 'GET', '/members')).statusCode).toBe(403);
  });

  it('the owner edits a teammate’s permissions and deletes them from the row menu', async () => {
    await as(owner.headers, 'POST', '/invitations', { email: 'links@teammate.example', roleId: 'builtin:view_only' });
    const invitee = await acceptInvitationAsNewUser(t.app, 'links@teammate.example');
    const edit = await as(owner.headers, 'PATCH', `/members/${invitee.memberId}`, {
      permissions: [
        { permission: 'payment_links.view', scope: 'all' },
        { permission: 'payment_links.create', scope: 'all' },
        { permission: 'payment_links.archive', scope: 'all' },
      ],
      confirm: true,
    });
    expect(edit.statusCode).toBe(200);
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject: { memberId: invitee.memberId },
          permission: 'payment_links.archive',
        })
      ).allowed,
    ).toBe(true);
    expect(
      (await as(owner.headers, 'POST', `/members/${invitee.memberId}/remove`, { confirm: true })).json().status,
    ).toBe('removed');
    // It was their only account: removal ended their session (PRODUCT rule 4).
    expect((await t.app.inject({ method: 'GET', url: url(''), headers: invitee.headers })).statusCode).toBe(401);
  });
});

describe('Wompi: users of payouts', () => {
  it('admin creates a user with fixed identity fields, assigns a bank account once active, changes role with 2FA and confirmation, deactivates and deletes', async () => {
    await t.app.inject({
      method: 'PUT',
      url: url('/resources/bank_account/co-001'),
      headers: platformHeaders,
      payload: { name: 'Bancolombia 001' },
    });
    const invite = await as(owner.headers, 'POST', '/invitations', {
      email: 'payouts@wompi-user.example',
      name: 'Pedro Pagos',
      identity: { idType: 'CC', idNumber: '1020304050', phone: '+57 300 123 4567' },
      roleId: 'builtin:finance',
      resources: { bank_account: [] },
    });
    expect(invite.statusCode).toBe(201);
    const memberId = invite.json().memberId;
    // Not active yet: no bank accounts can be assigned.
    const early = await as(owner.headers, 'PUT', `/members/${memberId}/resources/bank_account/co-001`, {
      confirm: true,
    });
    expect(early.json().code).toBe('member.not_active');
    const invitee = await acceptInvitationAsNewUser(t.app, 'payouts@wompi-user.example');
    expect(
      (await as(owner.headers, 'PUT', `/members/${memberId}/resources/bank_account/co-001`, { confirm: true })).json()
        .resourceScope,
    ).toEqual({ bank_account: ['co-001'] });
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject: { memberId },
          permission: 'payouts.view',
          resource: { type: 'bank_account', id: 'co-001' },
        })
      ).allowed,
    ).toBe(true);
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject: { memberId },
          permission: 'payouts.view',
          resource: { type: 'bank_account', id: 'co-999' },
        })
      ).allowed,
    ).toBe(false);
    const detail = (await as(owner.headers, 'GET', `/members/${memberId}`)).json();
    expect(detail.identity).toEqual({ idType: 'CC', idNumber: '1020304050', phone: '+57 300 123 4567' });
    expect(
      (
        await as(owner.headers, 'PATCH', `/members/${memberId}`, { identity: { idNumber: '999' }, confirm: true })
      ).json().code,
    ).toBe('member.identity_fixed');
    expect((await as(owner.headers, 'PATCH', `/members/${memberId}`, { roleId: 'builtin:support' })).json().code).toBe(
      'request.confirmation_required',
    );
    expect(
      (await as(owner.headers, 'PATCH', `/members/${memberId}`, { roleId: 'builtin:support', confirm: true })).json()
        .role.id,
    ).toBe('builtin:support');
    expect((await as(owner.headers, 'POST', `/members/${memberId}/deactivate`, { confirm: true })).json().status).toBe(
      'inactive',
    );
    expect(
      (await t.app.inject({ method: 'GET', url: url(''), headers: invitee.headers })).statusCode,
    ).toBeGreaterThanOrEqual(401);
    expect((await as(owner.headers, 'POST', `/members/${memberId}/remove`, { confirm: true })).json().status).toBe(
      'removed',
    );
  });
});

describe('Monarx: billing users and contacts', () => {
  it('owner invites with chosen permissions, adds a contact who cannot sign in, removes access, and re-invites later', async () => {
    const billing = [
      'invoices.view',
      'invoices.pay',
      'quotes.view',
      'quotes.accept',
      'support_tickets.view',
      'support_tickets.open',
    ].map((permission) => ({ permission, scope: 'all' }));
    await as(owner.headers, 'POST', '/invitations', { email: 'billing@monarx-client.example', permissions: billing });
    const invitee = await acceptInvitationAsNewUser(t.app, 'billing@monarx-client.example');
    const perms = (await as(invitee.headers, 'GET', `/members/${invitee.memberId}/permissions`))
      .json()
      .permissions.map((p: { permission: string }) => p.permission);
    expect(perms.sort()).toEqual(billing.map((g) => g.permission).sort());
    const contact = await as(owner.headers, 'POST', '/contacts', {
      email: 'accounts-payable@monarx-client.example',
      name: 'AP desk',
      topics: ['billing'],
    });
    expect(contact.statusCode).toBe(201);
    const signInAsContact = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'accounts-payable@monarx-client.example', password: 'whatever it is 123' },
    });
    expect(signInAsContact.statusCode).toBe(401);
    const members = (await as(owner.headers, 'GET', '/members?q=accounts-payable')).json().items;
    expect(members).toEqual([]);
    expect((await as(owner.headers, 'POST', `/members/${invitee.memberId}/remove`, { confirm: true })).statusCode).toBe(
      200,
    );
    const again = await as(owner.headers, 'POST', '/invitations', {
      email: 'billing@monarx-client.example',
      permissions: billing,
    });
    expect(again.statusCode).toBe(201);
  });
});

describe('Juspay: users management', () => {
  it('invites with a custom role created inside the invite flow, limited to product and gateway ids; the invitee sets a password and 2FA', async () => {
    for (const [type, id] of [
      ['product', 'prod-web'],
      ['gateway', 'gw-stripe'],
    ]) {
      await t.app.inject({
        method: 'PUT',
        url: url(`/resources/${type}/${id}`),
        headers: platformHeaders,
        payload: { name: id },
      });
    }
    const invite = await as(owner.headers, 'POST', '/invitations', {
      email: 'ops@juspay-merchant.example',
      newRole: {
        name: 'Gateway ops',
        permissions: [
          { permission: 'payments.view', scope: 'all' },
          { permission: 'gateways.view', scope: 'all' },
        ],
      },
      resources: { product: ['prod-web'], gateway: ['gw-stripe'] },
    });
    expect(invite.statusCode).toBe(201);
    expect(invite.json().role.name).toBe('Gateway ops');
    const roles = (await as(owner.headers, 'GET', '/roles')).json().items.map((r: { name: string }) => r.name);
    expect(roles).toContain('Gateway ops');
    const invitee = await acceptInvitationAsNewUser(t.app, 'ops@juspay-merchant.example');
    const subject = { memberId: invitee.memberId };
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'payments.view',
          resource: { type: 'gateway', id: 'gw-stripe' },
        })
      ).allowed,
    ).toBe(true);
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'payments.view',
          resource: { type: 'gateway', id: 'gw-adyen' },
        })
      ).reason,
    ).toBe('resource_out_of_scope');
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'payments.view',
          resource: { type: 'product', id: 'prod-app' },
        })
      ).reason,
    ).toBe('resource_out_of_scope');
  });
});

describe('BillPro: manage users', () => {
  it('admin gives a user profiles, the payment-links channel and API access; restricted users see only their own orders', async () => {
    const storeA = (await as(owner.headers, 'POST', '/profiles', { name: 'Store A' })).json();
    const restrictedRole = (
      await as(owner.headers, 'POST', '/roles', {
        name: 'restricted_user',
        permissions: [
          { permission: 'products.view', scope: 'all' },
          { permission: 'customers.view', scope: 'own' },
          { permission: 'customers.create', scope: 'all' },
          { permission: 'orders.view', scope: 'own' },
          { permission: 'orders.create', scope: 'all' },
        ],
      })
    ).json();
    await as(owner.headers, 'POST', '/invitations', {
      email: 'clerk@billpro.example',
      roleId: restrictedRole.id,
      profileIds: [storeA.id],
      flags: { paymentLinks: false },
    });
    const clerk = await acceptInvitationAsNewUser(t.app, 'clerk@billpro.example');
    const detail = (await as(owner.headers, 'GET', `/members/${clerk.memberId}`)).json();
    expect(detail).toMatchObject({ profileIds: [storeA.id], flags: { paymentLinks: false, apiAccess: false } });
    const subject = { memberId: clerk.memberId };
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'orders.view',
          profileId: storeA.id,
          resource: { type: 'order', id: 'o-1', ownerMemberId: clerk.memberId },
        })
      ).allowed,
    ).toBe(true);
    expect(
      (
        await checkDecision(t.app, {
          accountId,
          subject,
          permission: 'orders.view',
          profileId: storeA.id,
          resource: { type: 'order', id: 'o-2', ownerMemberId: owner.memberId },
        })
      ).reason,
    ).toBe('not_resource_owner');
    expect(
      (await checkDecision(t.app, { accountId, subject, permission: 'orders.view', profileId: 'prf_other' })).reason,
    ).toBe('profile_out_of_scope');
    // The integration user: admin_user with API access.
    await as(owner.headers, 'POST', '/invitations', {
      email: 'integration@billpro.example',
      roleId: 'builtin:administrator',
      flags: { apiAccess: true },
    });
    const integration = await acceptInvitationAsNewUser(t.app, 'integration@billpro.example');
    const code = await generate({
      secret: integration.totpSecret,
      epoch: Math.floor(t.clock.now().getTime() / 1000) + 30,
    });
    const steppedUp = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: integration.headers,
      payload: { code },
    });
    expect(steppedUp.statusCode).toBe(200);
    const headers = {
      cookie: `${steppedUp.cookies[0].name}=${steppedUp.cookies[0].value}`,
      'x-csrf-token': steppedUp.json().csrfToken,
    };
    const key = await as(headers, 'POST', '/api-keys', { name: 'BillPro integration', confirm: true });
    expect(key.statusCode).toBe(201);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: url('/members'),
          headers: { authorization: `Bearer ${key.json().key}` },
        })
      ).statusCode,
    ).toBe(200);
  });
});
