import type {} from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
import { createPerson, expireStepUp } from './support/gatehouse.js';
import {
  acceptAsNewPerson,
  answerStepUp,
  mailedLink,
  platformHeaders,
  signInAs,
  stepUpIfAsked,
} from './support/journey.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInPage } from './support/use-signed-in-page.js';

// The BillPro seed (Manage users): merchant profiles, the four user roles of its table with
// "✅ own" rules, the Payment link and API access switches, a developer who takes an API key
// that works on the API, and deactivating (BillPro never deletes) that stops the key.

type Grant = { permission: string; scope: 'all' | 'own' };
const own = (permission: string): Grant => ({ permission, scope: 'own' });
const all = (...permissions: string[]): Grant[] => permissions.map((permission) => ({ permission, scope: 'all' }));

/** The user roles table of the seed, in Gatehouse permissions. */
const billProRoles: Record<string, Grant[]> = {
  // Full access, including users, currencies, products, customers, orders, refunds, dashboards,
  // payments and reports, and viewing merchant details. The API user holds this role.
  admin_user: all(
    'dashboard.view',
    'customers.import',
    'customers.view',
    'customers.create',
    'customers.edit',
    'customers.deactivate',
    'products.view',
    'products.create',
    'products.edit',
    'products.deactivate',
    'orders.view',
    'orders.create',
    'orders.edit',
    'orders.cancel_complete',
    'refunds.authorise',
    'payments.billing_exceptions',
    'payments.pending_orders',
    'payments.view',
    'email_notifications.view',
    'email_notifications.deactivate',
    'currency_pairs.view',
    'currency_pairs.edit',
    'reports.view',
    'reports.generate',
    'reports.download',
    'users.view',
    'users.edit',
    'users.invite',
    'users.deactivate',
    'profiles.view',
    'account.view',
    'merchant.payment_configuration',
    'merchant.processing_details',
    'api.access',
  ),
  // Almost full access, but cannot manage products or users, nor view merchant details.
  accountant_user: all(
    'dashboard.view',
    'customers.import',
    'customers.view',
    'customers.create',
    'customers.edit',
    'customers.deactivate',
    'products.view',
    'orders.view',
    'orders.create',
    'orders.edit',
    'orders.cancel_complete',
    'refunds.authorise',
    'payments.billing_exceptions',
    'payments.pending_orders',
    'payments.view',
    'email_notifications.view',
    'email_notifications.deactivate',
    'currency_pairs.view',
    'currency_pairs.edit',
    'reports.view',
    'reports.generate',
    'reports.download',
    'profiles.view',
  ),
  // Views products; manages customers, orders and refunds.
  normal_user: all(
    'dashboard.view',
    'products.view',
    'customers.view',
    'customers.create',
    'customers.edit',
    'customers.deactivate',
    'orders.view',
    'orders.create',
    'orders.edit',
    'orders.cancel_complete',
    'refunds.authorise',
  ),
  // Views products; manages only their own customers and orders.
  restricted_user: [
    ...all('dashboard.view', 'products.view', 'customers.create', 'orders.create'),
    own('customers.view'),
    own('customers.edit'),
    own('customers.deactivate'),
    own('orders.view'),
    own('orders.edit'),
    own('orders.cancel_complete'),
  ],
};

const g = useGatehouse();
let owner: TestUser;
/** The matrix's label of each permission: "Module: Action", as the role editor shows it. */
const labels = new Map<string, string>();
/** Kai, the integration developer created in the second journey. */
let kai: TestUser;
let kaiKey: string;
const profileIds: Record<string, string> = {};

beforeAll(async () => {
  owner = await createPerson(g, { email: 'maria@billpro.example', name: 'María Lopez', account: { name: 'BillPro' } });
  const catalog = (await g.app.inject({ method: 'GET', url: '/v1/catalog', headers: platformHeaders })).json<{
    modules: { name: string; actions: { permission: string; name: string }[] }[];
  }>();
  for (const module of catalog.modules)
    for (const action of module.actions) labels.set(action.permission, `${module.name}: ${action.name}`);
});
const session = useSignedInPage(g, () => owner);

async function rolesOfAccount(): Promise<{ id: string; name: string; permissions: Grant[] }[]> {
  const res = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: { cookie: session.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: { id: string; name: string; permissions: Grant[] }[] }>().items;
}

const byPermission = (a: Grant, b: Grant) => a.permission.localeCompare(b.permission);

it('sets up the merchant profiles: adds them, renames one, archives an old one', async () => {
  await session.page.goto(`/accounts/${owner.accountId}`);
  await session.page.getByRole('link', { name: 'Profiles' }).first().click();
  await session.page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
  await expectAccessible(session.page, 'profiles (empty)');
  for (const name of ['Sydney store', 'Auckland store', 'Online store', 'Wholesale', 'Old outlet']) {
    await session.page.getByRole('button', { name: 'Add profile' }).first().click();
    const dialog = session.page.getByRole('dialog', { name: 'Add a profile' });
    await dialog.getByLabel(/^Profile name/).fill(name);
    await dialog.getByRole('button', { name: 'Add profile' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await session.page.getByTestId(`profile-${name}`).waitFor();
  }
  await session.page.getByRole('button', { name: 'Rename Online store' }).click();
  const rename = session.page.getByRole('dialog', { name: 'Rename profile' });
  await rename.getByLabel(/^Profile name/).fill('Online shop');
  await rename.getByRole('button', { name: 'Save' }).click();
  await session.page.getByTestId('profile-Online shop').waitFor();
  await session.page.getByRole('button', { name: 'Archive Old outlet' }).click();
  await session.page.getByTestId('profile-Old outlet').getByText('Archived').waitFor();
  await expectAccessible(session.page, 'profiles');
  await screenshot(session.page, 'billpro-profiles');

  const res = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/profiles`,
    headers: platformHeaders,
  });
  const active = res.json<{ items: { id: string; name: string }[] }>().items;
  expect(active.map((profile) => profile.name).sort()).toEqual([
    'Auckland store',
    'Online shop',
    'Sydney store',
    'Wholesale',
  ]);
  for (const profile of active) profileIds[profile.name] = profile.id;
  expect(pageErrors(session.page)).toEqual([]);
});

it('rebuilds the four BillPro user roles in the role editor, own-records rules included', async () => {
  await session.page.goto(`/accounts/${owner.accountId}`);
  await session.page.getByRole('link', { name: 'Roles' }).first().click();
  for (const [name, grants] of Object.entries(billProRoles)) {
    await session.page.getByRole('link', { name: 'New role' }).first().click();
    await session.page.getByLabel(/^Name/).fill(name);
    for (const grant of grants) {
      await session.page.getByRole('checkbox', { name: labels.get(grant.permission)!, exact: true }).check();
      if (grant.scope === 'own')
        await session.page.getByRole('switch', { name: `${labels.get(grant.permission)!}, own records only` }).check();
    }
    if (name === 'restricted_user') {
      await session.page
        .getByTestId('permission-matrix')
        .getByRole('row', { name: /^Customers/ })
        .scrollIntoViewIfNeeded();
      await expectAccessible(session.page, 'role editor with own-records rules');
      await screenshot(session.page, 'billpro-role-editor-restricted');
    }
    await session.page.getByRole('button', { name: 'Create role' }).click();
    await session.page.getByTestId(`role-${name}`).waitFor();
  }
  await screenshot(session.page, 'billpro-roles', { fullPage: true });

  // Each role holds exactly the seed's column: nothing more, nothing less, own where it says own.
  const saved = await rolesOfAccount();
  for (const [name, grants] of Object.entries(billProRoles)) {
    const role = saved.find((candidate) => candidate.name === name);
    expect(role?.permissions.toSorted(byPermission), name).toEqual(grants.toSorted(byPermission));
  }
  expect(pageErrors(session.page)).toEqual([]);
});

it('creates a developer limited to two profiles with the API access switch on and payment links off; edits profiles and payment links', async () => {
  await session.page.goto(`/accounts/${owner.accountId}/members`);
  await session.page.getByRole('link', { name: 'Invite' }).first().click();
  await session.page.getByRole('heading', { name: 'Invite teammates' }).waitFor();
  await session.page.getByLabel('Email addresses').fill('kai@billpro.example');
  await session.page.getByLabel('Full name (optional)').fill('Kai Tanaka');
  await session.page.getByRole('textbox', { name: 'Role' }).click();
  await session.page.getByRole('option', { name: 'admin_user' }).click();
  await session.page.getByRole('textbox', { name: 'Profiles' }).click();
  await session.page.getByRole('option', { name: 'Sydney store' }).click();
  await session.page.getByRole('option', { name: 'Auckland store' }).click();
  expect(await session.page.getByRole('option', { name: 'Old outlet' }).count()).toBe(0);
  await session.page.keyboard.press('Escape');
  await session.page.getByRole('switch', { name: 'API access' }).check();
  await session.page.getByRole('switch', { name: 'Payment links channel' }).uncheck();
  await screenshot(session.page, 'billpro-new-user', { fullPage: true });
  await session.page.getByRole('button', { name: 'Send invitation' }).click();
  await session.page.getByTestId('invite-sent').waitFor();

  const link = await mailedLink(g, 'kai@billpro.example', /invited/, '/invitations/accept#token=');
  const his = await openPage(g);
  kai = await acceptAsNewPerson(his, g, link, {
    email: 'kai@billpro.example',
    name: 'Kai Tanaka',
    password: 'wallaby tram harbour 77',
    accountName: 'BillPro',
  });

  // User details: the role, the two profiles, the switches as set.
  await session.page.getByRole('link', { name: 'Team members' }).first().click();
  const row = session.page.getByTestId('member-row').filter({ hasText: 'Kai Tanaka' });
  await expect.poll(() => row.innerText()).toMatch(/admin_user[\s\S]*Active/i);
  expect(await row.innerText()).toMatch(/Sydney store|Auckland store/);
  await row.getByRole('link', { name: 'Kai Tanaka' }).click();
  await session.page.getByRole('heading', { level: 1, name: 'Kai Tanaka' }).waitFor();
  expect(await session.page.getByRole('switch', { name: 'API access' }).isChecked()).toBe(true);
  expect(await session.page.getByRole('switch', { name: 'Payment links channel' }).isChecked()).toBe(false);
  await expectAccessible(session.page, 'member details with profiles and features');
  await screenshot(session.page, 'billpro-user-details', { fullPage: true });

  // Edit the user: one more profile, and payment links after all.
  await expireStepUp(g, owner.userId);
  await session.page.getByRole('textbox', { name: 'Limited to profiles' }).click();
  await session.page.getByRole('option', { name: 'Online shop' }).click();
  await session.page.keyboard.press('Escape');
  await session.page.getByRole('button', { name: 'Save profiles' }).click();
  const profiles = session.page.getByRole('dialog', { name: 'Change profiles?' });
  await profiles.getByRole('button', { name: 'Save' }).click();
  await answerStepUp(session.page, g, owner);
  await profiles.waitFor({ state: 'hidden' });
  await session.page.getByRole('switch', { name: 'Payment links channel' }).click();
  const flag = session.page.getByRole('dialog', { name: 'Turn on Payment links channel?' });
  await flag.getByRole('button', { name: 'Save' }).click();
  await stepUpIfAsked(
    session.page,
    g,
    owner,
    session.page.getByRole('switch', { name: 'Payment links channel', checked: true }),
  );
  await flag.waitFor({ state: 'hidden' });

  const list = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/members?q=kai`,
    headers: platformHeaders,
  });
  const kaiRow = (
    await g.app.inject({
      method: 'GET',
      url: `/v1/accounts/${owner.accountId}/members/${list.json<{ items: { id: string }[] }>().items[0].id}`,
      headers: platformHeaders,
    })
  ).json<{ profileIds: string[]; flags: Record<string, boolean> }>();
  expect(kaiRow.profileIds).toHaveLength(3);
  expect(kaiRow.flags).toMatchObject({ apiAccess: true, paymentLinks: true });
  expect(pageErrors(session.page)).toEqual([]);
});

it('the developer signs in, creates an API key behind the step-up prompt, and the key works on the API', async () => {
  const his = await openPage(g);
  await signInAs(his, g, kai);
  await his.getByRole('link', { name: 'API keys' }).first().click();
  await his.getByRole('heading', { name: 'No API keys yet' }).waitFor();

  await expireStepUp(g, kai.userId);
  await his.getByRole('button', { name: 'Create API key' }).click();
  await his.getByLabel(/^Name/).fill('Billing integration');
  await his.getByRole('button', { name: 'Create key' }).click();
  await answerStepUp(his, g, kai);
  const secret = his.getByTestId('api-key-secret');
  await secret.waitFor();
  kaiKey = (await secret.innerText()).trim();
  await screenshot(his, 'billpro-api-key-created');
  await his.getByRole('button', { name: 'I have copied it' }).click();
  await his.getByTestId('api-key-Billing integration').getByText('Active').waitFor();

  // The integration calls the API over HTTP with the key, as Kai.
  const listed = await callWithKey('GET', `/v1/accounts/${owner.accountId}/members`);
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { items: { email: string }[] }).items.map((item) => item.email)).toContain(
    'kai@billpro.example',
  );
  const check = await authzCheck();
  expect(check.status).toBe(200);
  expect(await check.json()).toMatchObject({ allowed: true });
  // In his profiles only: a Sydney store payment yes, a Wholesale one no.
  expect(await (await authzCheck(profileIds['Sydney store'])).json()).toMatchObject({ allowed: true });
  expect(await (await authzCheck(profileIds.Wholesale)).json()).toMatchObject({
    allowed: false,
    reason: 'profile_out_of_scope',
  });
  expect(pageErrors(his)).toEqual([]);
});

it('the admin deactivates the developer: grey in the list, and the API key stops working at once', async () => {
  await session.page.goto(`/accounts/${owner.accountId}/members`);
  await session.page.getByRole('link', { name: 'Kai Tanaka', exact: true }).click();
  await session.page.getByRole('button', { name: 'Deactivate' }).click();
  const confirm = session.page.getByRole('dialog', { name: 'Deactivate Kai Tanaka?' });
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await stepUpIfAsked(session.page, g, owner, session.page.getByTestId('member-status').getByText('Deactivated'));
  await confirm.waitFor({ state: 'hidden' });

  // The key still authenticates, but its member may no longer do anything: refused, by code.
  for (const refused of [await callWithKey('GET', `/v1/accounts/${owner.accountId}/members`), await authzCheck()]) {
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('authz.forbidden');
  }

  await session.page.getByRole('link', { name: 'All team members' }).click();
  const row = session.page.getByTestId('member-row').filter({ hasText: 'Kai Tanaka' });
  await expect.poll(() => row.innerText()).toMatch(/Deactivated/i);
  await screenshot(session.page, 'billpro-user-inactive');
  expect(pageErrors(session.page)).toEqual([]);
});

function callWithKey(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${g.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${kaiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** The integration asks whether Kai may see processed payments (as admin_user, in his profiles). */
function authzCheck(profileId?: string): Promise<Response> {
  return callWithKey('POST', '/v1/authz/check', {
    accountId: owner.accountId,
    subject: { userId: kai.userId },
    permission: 'payments.view',
    ...(profileId ? { profileId } : {}),
  });
}
