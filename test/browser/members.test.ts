import { sql } from 'kysely';
import type { Cookie, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { addMember, platformHeaders } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson, expireStepUp } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser;
let page: Page;
let ownerCookies: Cookie[];
const team: Record<string, TestUser> = {};

const g = useGatehouse();

beforeAll(async () => {
  owner = await createPerson(g, {
    email: 'lucia@wompi.example',
    name: 'Lucía Ortega',
    account: { name: 'Wompi Store' },
  });
  const people: [string, string, string][] = [
    ['mateo', 'Mateo Ruiz', 'developer'],
    ['sofia', 'Sofía Herrera', 'finance'],
    ['diego', 'Diego Castro', 'support'],
    ['valentina', 'Valentina Mora', 'view_only'],
  ];
  for (const [key, name, builtinRole] of people) {
    team[key] = await createPerson(g, { email: `${key}@wompi.example`, name, accountId: owner.accountId, builtinRole });
  }
  const signIn = await openPage(g);
  await signInThroughPage(signIn, g, owner);
  ownerCookies = await signIn.context().cookies();
});
// Every test's page is closed after it (support/browser.ts): each opens a new one in the owner's session.
beforeEach(async () => {
  page = await openPage(g);
  await page.context().addCookies(ownerCookies);
});
// A step-up renews the session cookie: the next test carries the renewed one. (Runs before support's afterEach closes the page.)
afterEach(async () => {
  if (!page.isClosed()) ownerCookies = await page.context().cookies();
});

const rowNames = async () =>
  (await page.getByTestId('member-row').locator('td:first-child a').allInnerTexts()).map((name) => name.trim());

async function openMember(name: string): Promise<void> {
  await page.goto(`/accounts/${owner.accountId}/members`);
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The shared step-up prompt, answered with a fresh code from the owner's authenticator. */
async function answerStepUp(): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  await prompt.getByLabel('Authentication code').fill(await codeFor(g, owner));
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.waitFor({ state: 'hidden' });
}

it('lists the team with role, status, 2FA and the owner mark; searches, filters by status and role, and sorts', async () => {
  await page.goto(`/accounts/${owner.accountId}`);
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByTestId('members-table').waitFor();
  expect(await rowNames()).toEqual(['Diego Castro', 'Lucía Ortega', 'Mateo Ruiz', 'Sofía Herrera', 'Valentina Mora']);
  const ownerRow = page.getByTestId('member-row').filter({ hasText: 'Lucía Ortega' });
  expect(await ownerRow.innerText()).toMatch(/Owner[\s\S]*lucia@wompi\.example[\s\S]*Active[\s\S]*2FA on/i);
  await expectAccessible(page, 'members list');
  await screenshot(page, 'members-list');

  await page.getByRole('button', { name: 'Name' }).click();
  await page.waitForURL(/sort=-name/);
  await expect.poll(async () => (await rowNames())[0]).toBe('Valentina Mora');

  await page.getByLabel('Search').fill('sof');
  await page.getByLabel('Search').press('Enter');
  await page.waitForURL(/q=sof/);
  await expect.poll(rowNames).toEqual(['Sofía Herrera']);

  await page
    .getByRole('button', { name: 'Clear search and filters' })
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.goto(`/accounts/${owner.accountId}/members`);
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Finance' }).click();
  await expect.poll(rowNames).toEqual(['Sofía Herrera']);
  // The CSV export carries the same filters.
  expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain(
    'roleId=builtin%3Afinance',
  );

  await page.goto(`/accounts/${owner.accountId}/members?status=inactive`);
  await page.getByRole('heading', { name: 'No one matches' }).waitFor();
  await screenshot(page, 'members-no-match');
  expect(pageErrors(page)).toEqual([]);
});

it('shows a member’s details and changes their role with the gained/lost preview under step-up', async () => {
  await openMember('Mateo Ruiz');
  expect(await page.getByText('Role: Developer').count()).toBe(1);
  await expectAccessible(page, 'member details');
  await screenshot(page, 'member-details', { fullPage: true });

  await expireStepUp(g, owner.userId);
  await page.getByRole('button', { name: 'Change role' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the role of Mateo Ruiz' });
  await dialog.getByRole('textbox', { name: 'New role' }).click();
  await page.getByRole('option', { name: 'View only' }).click();
  const preview = dialog.getByTestId('role-preview');
  await preview.waitFor();
  expect(await preview.innerText()).toMatch(
    /Gains \d+ permissions[\s\S]*Loses 2 permissions[\s\S]*API: Access API keys and documentation/i,
  );
  await expectAccessible(page, 'role change dialog');
  await screenshot(page, 'member-role-change');
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await answerStepUp();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('Role: View only').waitFor();
  expect(pageErrors(page)).toEqual([]);
});

it('deactivates a member, then offers only reactivate and remove, and removes them', async () => {
  await openMember('Diego Castro');
  await page.getByRole('button', { name: 'Deactivate' }).click();
  const confirm = page.getByRole('dialog', { name: 'Deactivate Diego Castro?' });
  await screenshot(page, 'member-deactivate-confirm');
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Deactivated');
  expect(await page.getByTestId('member-actions').getByRole('button').allInnerTexts()).toEqual([
    'Reactivate',
    'Remove',
  ]);
  await screenshot(page, 'member-deactivated', { fullPage: true });

  await page.getByRole('button', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Diego Castro?' });
  await remove.getByRole('button', { name: 'Remove' }).click();
  await remove.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Removed');
  expect(await page.getByTestId('member-actions').getByRole('button').count()).toBe(0);
  expect(pageErrors(page)).toEqual([]);
});

it('resets a member’s 2FA and sends an email change to the new address', async () => {
  await openMember('Sofía Herrera');
  await page.getByRole('button', { name: 'Reset 2FA' }).click();
  const reset = page.getByRole('dialog', { name: /Reset two-factor authentication for Sofía Herrera/ });
  await reset.getByRole('button', { name: 'Reset 2FA' }).click();
  await reset.waitFor({ state: 'hidden' });
  await page.getByText('2FA off').waitFor();

  await page.getByRole('button', { name: 'Change email' }).click();
  const change = page.getByRole('dialog', { name: 'Change email' });
  await change.getByLabel('New email').fill('sofia.h@wompi.example');
  await expectAccessible(page, 'change email dialog');
  await change.getByRole('button', { name: 'Send confirmation link' }).click();
  await change.waitFor({ state: 'hidden' });
  const mail = await g.smtp.waitForMail('sofia.h@wompi.example', /email/i);
  expect(mail.links.some((link) => link.includes('/email-change'))).toBe(true);
  expect(pageErrors(page)).toEqual([]);
});

/** A member added straight in the database (their name set), for the details tests below. */
async function addTeammate(name: string, email: string, fixture: Parameters<typeof addMember>[2] = {}) {
  const added = await addMember(g.app, owner.accountId!, { email, ...fixture });
  await sql`update users set name = ${name} where id = ${added.userId}`.execute(g.app.deps.database.db);
  return added;
}

/** The member as the API returns it, read with the owner's browser session. */
async function memberFromApi(memberId: string): Promise<MemberJson> {
  const res = await page.request.get(`/v1/accounts/${owner.accountId}/members/${memberId}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as MemberJson;
}
interface MemberJson {
  role: { id: string } | null;
  permissions: { permission: string; scope: string }[] | null;
  profileIds: string[] | null;
  flags: Record<string, boolean>;
  resourceScope: Record<string, string[]>;
}

/** Registers a resource as the merchant's platform would. */
async function registerResource(type: string, externalId: string, name: string): Promise<void> {
  const res = await g.app.inject({
    method: 'PUT',
    url: `/v1/accounts/${owner.accountId}/resources/${type}/${externalId}`,
    headers: platformHeaders,
    payload: { name },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

it('edits a member’s individual permissions in the module × action picker, with an own-records rule', async () => {
  const { memberId } = await addTeammate('Pablo Soto', 'pablo@wompi.example', { builtinRole: 'view_only' });
  await openMember('Pablo Soto');
  await page.getByRole('button', { name: 'Edit permissions' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit permissions' });
  // The picker starts from what the role grants.
  expect(await dialog.getByRole('checkbox', { name: 'Payments: View all payments (all processed)' }).isChecked()).toBe(
    true,
  );
  await dialog.getByRole('checkbox', { name: 'Customers: Display customers', exact: true }).check();
  await dialog.getByRole('switch', { name: 'Customers: Display customers, own records only' }).check();
  await dialog.getByRole('checkbox', { name: 'Payments: View all payments (all processed)' }).uncheck();
  // Owner-only permissions cannot be given, even by the owner.
  expect(
    await dialog.getByRole('checkbox', { name: 'Payout bank accounts: Change bank account details' }).isDisabled(),
  ).toBe(true);
  await expectAccessible(page, 'edit permissions dialog');
  await screenshot(page, 'member-edit-permissions');
  // Scrolled to the last module inside the dialog, the header row still names the columns.
  await dialog.getByRole('rowheader', { name: 'Contacts' }).scrollIntoViewIfNeeded();
  const headerSeen = await page.evaluate<boolean>(`(() => {
    const cell = document.querySelector('[role="dialog"] [data-testid="permission-matrix"] thead th');
    const box = cell.getBoundingClientRect();
    return cell.contains(document.elementFromPoint(box.left + 10, box.top + box.height / 2));
  })()`);
  expect(headerSeen).toBe(true);
  await screenshot(page, 'member-edit-permissions-scrolled');
  await dialog.getByRole('button', { name: 'Save permissions' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await page.getByText('Custom permissions', { exact: true }).waitFor();
  const listed = await page.getByTestId('member-permissions').innerText();
  expect(listed).toContain('Customers: Display customers (own records only)');
  expect(listed).not.toContain('View all payments');
  const saved = await memberFromApi(memberId);
  expect(saved.role).toBeNull();
  expect(saved.permissions).toContainEqual({ permission: 'customers.view', scope: 'own' });
  expect(saved.permissions!.some((grant) => grant.permission === 'payments.view')).toBe(false);
  expect(pageErrors(page)).toEqual([]);
});

it('limits a member to some profiles and back to all, and turns the API access and payment-link features on and off', async () => {
  const profileIds: Record<string, string> = {};
  for (const name of ['Cali', 'Barranquilla']) {
    const res = await g.app.inject({
      method: 'POST',
      url: `/v1/accounts/${owner.accountId}/profiles`,
      headers: platformHeaders,
      payload: { name },
    });
    expect(res.statusCode, res.body).toBe(201);
    profileIds[name] = res.json<{ id: string }>().id;
  }
  const { memberId } = await addTeammate('Renata Gil', 'renata@wompi.example', { builtinRole: 'support' });
  await openMember('Renata Gil');

  await page.getByRole('textbox', { name: 'Limited to profiles' }).click();
  await page.getByRole('option', { name: 'Cali' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Save profiles' }).click();
  let confirm = page.getByRole('dialog', { name: 'Change profiles?' });
  await confirm.getByText('This member will only see: Cali.').waitFor();
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await memberFromApi(memberId)).profileIds).toEqual([profileIds['Cali']]);
  expect(await page.getByRole('button', { name: 'Save profiles' }).isDisabled()).toBe(true);

  // Emptied, the member sees every profile again.
  await page.getByRole('textbox', { name: 'Limited to profiles' }).press('Backspace');
  await page.getByRole('button', { name: 'Save profiles' }).click();
  confirm = page.getByRole('dialog', { name: 'Change profiles?' });
  await confirm.getByText('This member will see all profiles.').waitFor();
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await memberFromApi(memberId)).profileIds).toBeNull();

  const apiAccess = page.getByRole('switch', { name: 'API access' });
  expect(await apiAccess.isChecked()).toBe(false);
  await apiAccess.click();
  confirm = page.getByRole('dialog', { name: 'Turn on API access?' });
  await confirm.getByText('Renata Gil gets API access.').waitFor();
  await screenshot(page, 'member-flag-confirm');
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => apiAccess.isChecked()).toBe(true);

  const paymentLinks = page.getByRole('switch', { name: 'Payment links channel' });
  expect(await paymentLinks.isChecked()).toBe(true);
  await paymentLinks.click();
  confirm = page.getByRole('dialog', { name: 'Turn off Payment links channel?' });
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => paymentLinks.isChecked()).toBe(false);
  // Cancelling a switch changes nothing.
  await apiAccess.click();
  confirm = page.getByRole('dialog', { name: 'Turn off API access?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden' });
  expect(await apiAccess.isChecked()).toBe(true);

  const saved = await memberFromApi(memberId);
  expect(saved.flags).toMatchObject({ apiAccess: true, paymentLinks: false });
  await screenshot(page, 'member-profiles-flags', { fullPage: true });
  expect(pageErrors(page)).toEqual([]);
});

it('assigns and unassigns resources while the member is active (limiting "every product" to one and back), and offers none of it once deactivated', async () => {
  await registerResource('bank_account', 'ba-1234', 'BDO •••• 1234');
  await registerResource('bank_account', 'ba-9876', 'BPI •••• 9876');
  await registerResource('product', 'sku-pro', 'Plan Pro');
  const { memberId } = await addTeammate('Tomás Vega', 'tomas@wompi.example', {
    builtinRole: 'finance',
    resourceScope: { bank_account: [] },
  });
  await openMember('Tomás Vega');
  const scope = page.getByTestId('resource-scope').filter({ hasText: 'Payout bank account' });
  await scope.getByText('None assigned').waitFor();

  await scope.getByRole('textbox', { name: 'Add Payout bank account' }).click();
  await page.getByRole('option', { name: 'BDO •••• 1234' }).click();
  await scope.getByRole('button', { name: 'Assign' }).click();
  let confirm = page.getByRole('dialog', { name: 'Assign resource?' });
  await confirm.getByText('Tomás Vega gets access to BDO •••• 1234.').waitFor();
  await confirm.getByRole('button', { name: 'Assign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByRole('button', { name: 'Unassign BDO •••• 1234' }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope.bank_account).toEqual(['ba-1234']);
  await screenshot(page, 'member-resource-assigned', { fullPage: true });

  await scope.getByRole('button', { name: 'Unassign BDO •••• 1234' }).click();
  confirm = page.getByRole('dialog', { name: 'Unassign resource?' });
  await confirm.getByRole('button', { name: 'Unassign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByText('None assigned').waitFor();
  expect((await memberFromApi(memberId)).resourceScope.bank_account).toEqual([]);

  await scope.getByRole('textbox', { name: 'Add Payout bank account' }).click();
  await page.getByRole('option', { name: 'BPI •••• 9876' }).click();
  await scope.getByRole('button', { name: 'Assign' }).click();
  confirm = page.getByRole('dialog', { name: 'Assign resource?' });
  await confirm.getByRole('button', { name: 'Assign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByRole('button', { name: 'Unassign BPI •••• 9876' }).waitFor();

  // Every product, until limited to one; then every product again.
  const products = page.getByTestId('resource-scope').filter({ hasText: 'Product' });
  await products.getByText('All', { exact: true }).waitFor();
  await products.getByRole('textbox', { name: 'Limit Product access to' }).click();
  await page.getByRole('option', { name: 'Plan Pro' }).click();
  await products.getByRole('button', { name: 'Limit' }).click();
  confirm = page.getByRole('dialog', { name: 'Limit access to one product?' });
  await confirm.getByRole('button', { name: 'Limit' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await products.getByRole('button', { name: 'Unassign Plan Pro' }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope).toEqual({ bank_account: ['ba-9876'], product: ['sku-pro'] });
  await products.getByRole('button', { name: 'Give access to every product' }).click();
  confirm = page.getByRole('dialog', { name: 'Give access to every product?' });
  await confirm.getByRole('button', { name: 'Give access to all' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await products.getByText('All', { exact: true }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope).toEqual({ bank_account: ['ba-9876'] });

  await page.getByRole('button', { name: 'Deactivate' }).click();
  confirm = page.getByRole('dialog', { name: 'Deactivate Tomás Vega?' });
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await page.getByText('Resources can be assigned or unassigned only while the member is active.').waitFor();
  expect(await scope.getByText('BPI •••• 9876').count()).toBe(1);
  expect(await scope.getByRole('button', { name: 'Unassign BPI •••• 9876' }).count()).toBe(0);
  expect(await scope.getByRole('textbox', { name: 'Add Payout bank account' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: /^Give access to every/ }).count()).toBe(0);
  expect(pageErrors(page)).toEqual([]);
});
