import { sql } from 'kysely';
import type {} from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { addMember, platformHeaders } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, pageErrors, screenshot } from './support/browser.js';
import { codeFor, createPerson, expireStepUp } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInPage } from './support/use-signed-in-page.js';

let owner: TestUser;
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
});
const session = useSignedInPage(g, () => owner);

const rowNames = async () =>
  (await session.page.getByTestId('member-row').locator('td:first-child a').allInnerTexts()).map((name) => name.trim());

async function openMember(name: string): Promise<void> {
  await session.page.goto(`/accounts/${owner.accountId}/members`);
  await session.page.getByRole('link', { name, exact: true }).click();
  await session.page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The shared step-up prompt, answered with a fresh code from the owner's authenticator. */
async function answerStepUp(): Promise<void> {
  const prompt = session.page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  await prompt.getByLabel('Authentication code').fill(await codeFor(g, owner));
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.waitFor({ state: 'hidden' });
}

it('lists the team with role, status, 2FA and the owner mark; searches, filters by status and role, and sorts', async () => {
  await session.page.goto(`/accounts/${owner.accountId}`);
  await session.page.getByRole('link', { name: 'Team members' }).first().click();
  await session.page.getByTestId('members-table').waitFor();
  expect(await rowNames()).toEqual(['Diego Castro', 'Lucía Ortega', 'Mateo Ruiz', 'Sofía Herrera', 'Valentina Mora']);
  const ownerRow = session.page.getByTestId('member-row').filter({ hasText: 'Lucía Ortega' });
  expect(await ownerRow.innerText()).toMatch(/Owner[\s\S]*lucia@wompi\.example[\s\S]*Active[\s\S]*2FA on/i);
  await expectAccessible(session.page, 'members list');
  await screenshot(session.page, 'members-list');

  await session.page.getByRole('button', { name: 'Name' }).click();
  await session.page.waitForURL(/sort=-name/);
  await expect.poll(async () => (await rowNames())[0]).toBe('Valentina Mora');

  await session.page.getByLabel('Search').fill('sof');
  await session.page.getByLabel('Search').press('Enter');
  await session.page.waitForURL(/q=sof/);
  await expect.poll(rowNames).toEqual(['Sofía Herrera']);

  await session.page
    .getByRole('button', { name: 'Clear search and filters' })
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await session.page.goto(`/accounts/${owner.accountId}/members`);
  await session.page.getByRole('textbox', { name: 'Role' }).click();
  await session.page.getByRole('option', { name: 'Finance' }).click();
  await expect.poll(rowNames).toEqual(['Sofía Herrera']);
  // The CSV export carries the same filters.
  expect(await session.page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain(
    'roleId=builtin%3Afinance',
  );

  await session.page.goto(`/accounts/${owner.accountId}/members?status=inactive`);
  await session.page.getByRole('heading', { name: 'No one matches' }).waitFor();
  await screenshot(session.page, 'members-no-match');
  expect(pageErrors(session.page)).toEqual([]);
});

it('shows a member’s details and changes their role with the gained/lost preview under step-up', async () => {
  await openMember('Mateo Ruiz');
  expect(await session.page.getByText('Role: Developer').count()).toBe(1);
  await expectAccessible(session.page, 'member details');
  await screenshot(session.page, 'member-details', { fullPage: true });

  await expireStepUp(g, owner.userId);
  await session.page.getByRole('button', { name: 'Change role' }).click();
  const dialog = session.page.getByRole('dialog', { name: 'Change the role of Mateo Ruiz' });
  await dialog.getByRole('textbox', { name: 'New role' }).click();
  await session.page.getByRole('option', { name: 'View only' }).click();
  const preview = dialog.getByTestId('role-preview');
  await preview.waitFor();
  expect(await preview.innerText()).toMatch(
    /Gains \d+ permissions[\s\S]*Loses 2 permissions[\s\S]*API: Access API keys and documentation/i,
  );
  await expectAccessible(session.page, 'role change dialog');
  await screenshot(session.page, 'member-role-change');
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await answerStepUp();
  await dialog.waitFor({ state: 'hidden' });
  await session.page.getByText('Role: View only').waitFor();
  expect(pageErrors(session.page)).toEqual([]);
});

it('deactivates a member, then offers only reactivate and remove, and removes them', async () => {
  await openMember('Diego Castro');
  await session.page.getByRole('button', { name: 'Deactivate' }).click();
  const confirm = session.page.getByRole('dialog', { name: 'Deactivate Diego Castro?' });
  await screenshot(session.page, 'member-deactivate-confirm');
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => session.page.getByTestId('member-status').textContent()).toBe('Deactivated');
  expect(await session.page.getByTestId('member-actions').getByRole('button').allInnerTexts()).toEqual([
    'Reactivate',
    'Remove',
  ]);
  await screenshot(session.page, 'member-deactivated', { fullPage: true });

  await session.page.getByRole('button', { name: 'Remove' }).click();
  const remove = session.page.getByRole('dialog', { name: 'Remove Diego Castro?' });
  await remove.getByRole('button', { name: 'Remove' }).click();
  await remove.waitFor({ state: 'hidden' });
  await expect.poll(() => session.page.getByTestId('member-status').textContent()).toBe('Removed');
  expect(await session.page.getByTestId('member-actions').getByRole('button').count()).toBe(0);
  expect(pageErrors(session.page)).toEqual([]);
});

it('resets a member’s 2FA and sends an email change to the new address', async () => {
  await openMember('Sofía Herrera');
  await session.page.getByRole('button', { name: 'Reset 2FA' }).click();
  const reset = session.page.getByRole('dialog', { name: /Reset two-factor authentication for Sofía Herrera/ });
  await reset.getByRole('button', { name: 'Reset 2FA' }).click();
  await reset.waitFor({ state: 'hidden' });
  await session.page.getByText('2FA off').waitFor();

  await session.page.getByRole('button', { name: 'Change email' }).click();
  const change = session.page.getByRole('dialog', { name: 'Change email' });
  await change.getByLabel('New email').fill('sofia.h@wompi.example');
  await expectAccessible(session.page, 'change email dialog');
  await change.getByRole('button', { name: 'Send confirmation link' }).click();
  await change.waitFor({ state: 'hidden' });
  const mail = await g.smtp.waitForMail('sofia.h@wompi.example', /email/i);
  expect(mail.links.some((link) => link.includes('/email-change'))).toBe(true);
  expect(pageErrors(session.page)).toEqual([]);
});

/** A member added straight in the database (their name set), for the details tests below. */
async function addTeammate(name: string, email: string, fixture: Parameters<typeof addMember>[2] = {}) {
  const added = await addMember(g.app, owner.accountId!, { email, ...fixture });
  await sql`update users set name = ${name} where id = ${added.userId}`.execute(g.app.deps.database.db);
  return added;
}

/** The member as the API returns it, read with the owner's browser session. */
async function memberFromApi(memberId: string): Promise<MemberJson> {
  const res = await session.page.request.get(`/v1/accounts/${owner.accountId}/members/${memberId}`);
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
  await session.page.getByRole('button', { name: 'Edit permissions' }).click();
  const dialog = session.page.getByRole('dialog', { name: 'Edit permissions' });
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
  await expectAccessible(session.page, 'edit permissions dialog');
  await screenshot(session.page, 'member-edit-permissions');
  // Scrolled to the last module inside the dialog, the header row still names the columns.
  await dialog.getByRole('rowheader', { name: 'Contacts' }).scrollIntoViewIfNeeded();
  const headerSeen = await session.page.evaluate<boolean>(`(() => {
    const cell = document.querySelector('[role="dialog"] [data-testid="permission-matrix"] thead th');
    const box = cell.getBoundingClientRect();
    return cell.contains(document.elementFromPoint(box.left + 10, box.top + box.height / 2));
  })()`);
  expect(headerSeen).toBe(true);
  await screenshot(session.page, 'member-edit-permissions-scrolled');
  await dialog.getByRole('button', { name: 'Save permissions' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await session.page.getByText('Custom permissions', { exact: true }).waitFor();
  const listed = await session.page.getByTestId('member-permissions').innerText();
  expect(listed).toContain('Customers: Display customers (own records only)');
  expect(listed).not.toContain('View all payments');
  const saved = await memberFromApi(memberId);
  expect(saved.role).toBeNull();
  expect(saved.permissions).toContainEqual({ permission: 'customers.view', scope: 'own' });
  expect(saved.permissions!.some((grant) => grant.permission === 'payments.view')).toBe(false);
  expect(pageErrors(session.page)).toEqual([]);
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

  await session.page.getByRole('textbox', { name: 'Limited to profiles' }).click();
  await session.page.getByRole('option', { name: 'Cali' }).click();
  await session.page.keyboard.press('Escape');
  await session.page.getByRole('button', { name: 'Save profiles' }).click();
  let confirm = session.page.getByRole('dialog', { name: 'Change profiles?' });
  await confirm.getByText('This member will only see: Cali.').waitFor();
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await memberFromApi(memberId)).profileIds).toEqual([profileIds['Cali']]);
  expect(await session.page.getByRole('button', { name: 'Save profiles' }).isDisabled()).toBe(true);

  // Emptied, the member sees every profile again.
  await session.page.getByRole('textbox', { name: 'Limited to profiles' }).press('Backspace');
  await session.page.getByRole('button', { name: 'Save profiles' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Change profiles?' });
  await confirm.getByText('This member will see all profiles.').waitFor();
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await memberFromApi(memberId)).profileIds).toBeNull();

  const apiAccess = session.page.getByRole('switch', { name: 'API access' });
  expect(await apiAccess.isChecked()).toBe(false);
  await apiAccess.click();
  confirm = session.page.getByRole('dialog', { name: 'Turn on API access?' });
  await confirm.getByText('Renata Gil gets API access.').waitFor();
  await screenshot(session.page, 'member-flag-confirm');
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => apiAccess.isChecked()).toBe(true);

  const paymentLinks = session.page.getByRole('switch', { name: 'Payment links channel' });
  expect(await paymentLinks.isChecked()).toBe(true);
  await paymentLinks.click();
  confirm = session.page.getByRole('dialog', { name: 'Turn off Payment links channel?' });
  await confirm.getByRole('button', { name: 'Save' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => paymentLinks.isChecked()).toBe(false);
  // Cancelling a switch changes nothing.
  await apiAccess.click();
  confirm = session.page.getByRole('dialog', { name: 'Turn off API access?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden' });
  expect(await apiAccess.isChecked()).toBe(true);

  const saved = await memberFromApi(memberId);
  expect(saved.flags).toMatchObject({ apiAccess: true, paymentLinks: false });
  await screenshot(session.page, 'member-profiles-flags', { fullPage: true });
  expect(pageErrors(session.page)).toEqual([]);
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
  const scope = session.page.getByTestId('resource-scope').filter({ hasText: 'Payout bank account' });
  await scope.getByText('None assigned').waitFor();

  await scope.getByRole('textbox', { name: 'Add Payout bank account' }).click();
  await session.page.getByRole('option', { name: 'BDO •••• 1234' }).click();
  await scope.getByRole('button', { name: 'Assign' }).click();
  let confirm = session.page.getByRole('dialog', { name: 'Assign resource?' });
  await confirm.getByText('Tomás Vega gets access to BDO •••• 1234.').waitFor();
  await confirm.getByRole('button', { name: 'Assign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByRole('button', { name: 'Unassign BDO •••• 1234' }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope.bank_account).toEqual(['ba-1234']);
  await screenshot(session.page, 'member-resource-assigned', { fullPage: true });

  await scope.getByRole('button', { name: 'Unassign BDO •••• 1234' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Unassign resource?' });
  await confirm.getByRole('button', { name: 'Unassign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByText('None assigned').waitFor();
  expect((await memberFromApi(memberId)).resourceScope.bank_account).toEqual([]);

  await scope.getByRole('textbox', { name: 'Add Payout bank account' }).click();
  await session.page.getByRole('option', { name: 'BPI •••• 9876' }).click();
  await scope.getByRole('button', { name: 'Assign' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Assign resource?' });
  await confirm.getByRole('button', { name: 'Assign' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await scope.getByRole('button', { name: 'Unassign BPI •••• 9876' }).waitFor();

  // Every product, until limited to one; then every product again.
  const products = session.page.getByTestId('resource-scope').filter({ hasText: 'Product' });
  await products.getByText('All', { exact: true }).waitFor();
  await products.getByRole('textbox', { name: 'Limit Product access to' }).click();
  await session.page.getByRole('option', { name: 'Plan Pro' }).click();
  await products.getByRole('button', { name: 'Limit' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Limit access to one product?' });
  await confirm.getByRole('button', { name: 'Limit' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await products.getByRole('button', { name: 'Unassign Plan Pro' }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope).toEqual({ bank_account: ['ba-9876'], product: ['sku-pro'] });
  await products.getByRole('button', { name: 'Give access to every product' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Give access to every product?' });
  await confirm.getByRole('button', { name: 'Give access to all' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await products.getByText('All', { exact: true }).waitFor();
  expect((await memberFromApi(memberId)).resourceScope).toEqual({ bank_account: ['ba-9876'] });

  await session.page.getByRole('button', { name: 'Deactivate' }).click();
  confirm = session.page.getByRole('dialog', { name: 'Deactivate Tomás Vega?' });
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await session.page.getByText('Resources can be assigned or unassigned only while the member is active.').waitFor();
  expect(await scope.getByText('BPI •••• 9876').count()).toBe(1);
  expect(await scope.getByRole('button', { name: 'Unassign BPI •••• 9876' }).count()).toBe(0);
  expect(await scope.getByRole('textbox', { name: 'Add Payout bank account' }).count()).toBe(0);
  expect(await session.page.getByRole('button', { name: /^Give access to every/ }).count()).toBe(0);
  expect(pageErrors(session.page)).toEqual([]);
});

it("offers every registered resource in the picker, past the API's first page", async () => {
  // More than one page of the API's list (100): the last one sorts after all the others.
  for (let n = 1; n <= 104; n++)
    await registerResource('product', `sku-bulk-${String(n).padStart(3, '0')}`, `Bulk ${n}`);
  await registerResource('product', 'zz-last', 'Zeta Last Product');
  await addTeammate('Olga Ruiz', 'olga@wompi.example', { builtinRole: 'finance' });
  await openMember('Olga Ruiz');
  const products = session.page.getByTestId('resource-scope').filter({ hasText: 'Product' });
  await products.getByRole('textbox', { name: 'Limit Product access to' }).fill('Zeta');
  await session.page.getByRole('option', { name: 'Zeta Last Product' }).waitFor();
  expect(pageErrors(session.page)).toEqual([]);
});
