import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { signUpAndSignIn, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'rosa@billpro.example',
    name: 'Rosa Lim',
    account: { name: 'BillPro' },
  });
});

interface RoleRow {
  id: string;
  name: string;
  builtin: boolean;
  memberCount: number;
  permissions: { permission: string; scope: string }[];
}
async function roles(): Promise<RoleRow[]> {
  const res = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: owner.headers,
  });
  return res.json<{ items: RoleRow[] }>().items;
}

it('the owner builds a custom role in the matrix with an own-records rule, edits it, and deletes it moving its members', async () => {
  const page = await openPage(g);
  await signInThroughPage(page, g, owner);
  await page.getByRole('link', { name: 'Roles' }).first().click();
  await page.getByRole('heading', { name: 'Built-in templates' }).waitFor();
  expect(await page.getByText('Read-only').count()).toBeGreaterThan(0);
  await expectAccessible(page, 'roles list');
  await screenshot(page, 'roles-list');

  await page.getByRole('link', { name: 'New role' }).first().click();
  await page.getByLabel(/^Name/).fill('Support, own customers');
  await page.getByRole('checkbox', { name: 'Customers: Display customers', exact: true }).check();
  await page.getByRole('switch', { name: 'Customers: Display customers, own records only' }).check();
  await page.getByRole('checkbox', { name: 'Orders: Display orders', exact: true }).check();
  // Owner-only permissions are shown locked, with the reason.
  expect(
    await page.getByRole('checkbox', { name: 'Payout bank accounts: Change bank account details' }).isDisabled(),
  ).toBe(true);
  await expectAccessible(page, 'role editor');
  await screenshot(page, 'role-editor', { fullPage: false });
  await page.getByRole('button', { name: 'Create role' }).click();
  await page.getByTestId('role-Support, own customers').waitFor();

  let role = (await roles()).find((r) => r.name === 'Support, own customers')!;
  expect(role.permissions).toEqual(
    expect.arrayContaining([
      { permission: 'customers.view', scope: 'own' },
      { permission: 'orders.view', scope: 'all' },
    ]),
  );
  expect(role.permissions).toHaveLength(2);

  // Edit: add a permission, lift the own rule.
  await page.getByRole('link', { name: 'Edit Support, own customers' }).click();
  await page.getByRole('checkbox', { name: 'Orders: Edit orders', exact: true }).check();
  await page.getByRole('switch', { name: 'Customers: Display customers, own records only' }).uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { name: 'Custom roles' }).waitFor();
  await expect.poll(async () => (await roles()).find((r) => r.id === role.id)?.permissions.length).toBe(3);
  role = (await roles()).find((r) => r.id === role.id)!;
  expect(role.permissions).toContainEqual({ permission: 'customers.view', scope: 'all' });

  // A member holds it; deleting asks where they go.
  const holder = await createPerson(g, { email: 'tom@billpro.example', name: 'Tom Sy', accountId: owner.accountId });
  await sql`update members set role_id = ${role.id}, builtin_role = null where id = ${holder.memberId!}`.execute(
    g.app.deps.database.db,
  );
  await page.reload();
  await page.getByTestId('role-Support, own customers').getByText('1 member').waitFor();
  await page.getByRole('button', { name: 'Delete Support, own customers' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('One member holds this role').waitFor();
  expect(await dialog.getByRole('button', { name: 'Move members and delete' }).isDisabled()).toBe(true);
  await dialog.getByRole('textbox', { name: 'Move its members to' }).click();
  await dialog.getByRole('option', { name: 'View only' }).click();
  await screenshot(page, 'role-delete');
  await dialog.getByRole('button', { name: 'Move members and delete' }).click();
  await page.getByTestId('role-Support, own customers').waitFor({ state: 'detached' });
  expect((await roles()).some((r) => r.id === role.id)).toBe(false);
  const member = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/members/${holder.memberId}`,
    headers: owner.headers,
  });
  expect(member.json<{ role: { id: string } | null }>().role?.id).toBe('builtin:view_only');
  await page.close();
});

it('a role manager without some permissions sees them locked in the editor, not just refused', async () => {
  const created = await g.app.inject({
    method: 'POST',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: owner.headers,
    payload: {
      name: 'Team lead',
      permissions: [
        { permission: 'roles.view' },
        { permission: 'roles.manage' },
        { permission: 'dashboard.view' },
        { permission: 'customers.view', scope: 'own' },
      ],
    },
  });
  expect(created.statusCode).toBe(201);
  const lead = await createPerson(g, { email: 'lea@billpro.example', name: 'Lea Tan', accountId: owner.accountId });
  await sql`update members set role_id = ${created.json<{ id: string }>().id}, builtin_role = null where id = ${lead.memberId!}`.execute(
    g.app.deps.database.db,
  );
  const page = await openPage(g);
  await signInThroughPage(page, g, lead);
  await page.goto(`/accounts/${owner.accountId}/roles/new`);
  await page.getByText('You can only grant permissions you hold yourself').waitFor();
  expect(await page.getByRole('checkbox', { name: 'Orders: Display orders', exact: true }).isDisabled()).toBe(true);
  expect(await page.getByRole('img', { name: /Orders: Display orders: You do not hold this permission/ }).count()).toBe(
    1,
  );
  // Held only for own records: grantable, but only as own records.
  await page.getByRole('checkbox', { name: 'Customers: Display customers', exact: true }).check();
  const own = page.getByRole('switch', { name: 'Customers: Display customers, own records only' });
  expect(await own.isChecked()).toBe(true);
  expect(await own.isDisabled()).toBe(true);
  await expectAccessible(page, 'role editor (limited)');
  await screenshot(page, 'role-editor-limited');
  await page.close();
});
