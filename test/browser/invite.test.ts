import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { signUpAndSignIn, type TestSession, type TestUser } from '../support/users.js';
import { waitFor } from '../support/wait.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { invite } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'ana@monarx.example',
    name: 'Ana Reyes',
    account: { name: 'Monarx Billing' },
  });
});

/** The owner's page, signed in through the page once, then by the session cookie the API handed out (a TOTP code is good once per 30 s). */
let signedInThroughPage = false;
async function ownerPage(path: string): Promise<Page> {
  const page = await openPage(g);
  if (!signedInThroughPage) {
    await signInThroughPage(page, g, owner);
    signedInThroughPage = true;
  } else {
    const [name, ...value] = owner.cookie.split('=');
    await page.context().addCookies([{ name: name, value: value.join('='), url: g.url }]);
  }
  await page.goto(`/accounts/${owner.accountId}/${path}`);
  return page;
}

async function memberByEmail(email: string): Promise<{
  role: { name: string } | null;
  permissions: { permission: string; scope: string }[] | null;
  flags: Record<string, boolean>;
  identity: Record<string, string | null>;
}> {
  const list = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/members?q=${encodeURIComponent(email)}`,
    headers: owner.headers,
  });
  const id = list.json<{ items: { id: string }[] }>().items[0].id;
  return (
    await g.app.inject({ method: 'GET', url: `/v1/accounts/${owner.accountId}/members/${id}`, headers: owner.headers })
  ).json();
}

it('the owner invites with chosen permissions (own records where allowed), identity and flags, and the mail arrives over SMTP', async () => {
  const page = await ownerPage('invite');
  await page.getByRole('heading', { name: 'Invite teammates' }).waitFor();
  await page.getByLabel('Email addresses').fill('ben@monarx.example');
  await page.getByLabel('Full name (optional)').fill('Ben Cruz');
  await page.getByLabel('ID type').fill('Passport');
  await page.getByLabel('ID number').fill('P1234567');
  await page.getByLabel('Phone').fill('+63 917 555 0101');
  await page.getByLabel('Choose permissions').check();
  await page.getByLabel('Payments: View all payments (all processed)', { exact: true }).check();
  await page.getByLabel('Customers: Display customers', { exact: true }).check();
  await page.getByLabel('Customers: Display customers — Own records only').check();
  // Owner-only permissions are never offered.
  expect(await page.getByLabel('Payout bank accounts: Change bank account details', { exact: true }).isDisabled()).toBe(
    true,
  );
  await page.getByLabel('API access').check();
  await expectAccessible(page, 'invite form');
  await screenshot(page, 'invite-choose-permissions', { fullPage: true });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();
  expect(await page.getByTestId('invite-sent').innerText()).toContain('ben@monarx.example');
  await screenshot(page, 'invite-sent');

  const mail = await g.smtp.waitForMail('ben@monarx.example', /invited/);
  expect(mail.links.some((link) => link.includes('/invitations/accept#token='))).toBe(true);
  const ben = await memberByEmail('ben@monarx.example');
  expect(ben.role).toBeNull();
  expect(ben.permissions).toEqual(
    expect.arrayContaining([
      { permission: 'payments.view', scope: 'all' },
      { permission: 'customers.view', scope: 'own' },
    ]),
  );
  expect(ben.permissions).toHaveLength(2);
  expect(ben.flags.apiAccess).toBe(true);
  expect(ben.identity).toMatchObject({ idType: 'Passport', idNumber: 'P1234567', phone: '+63 917 555 0101' });
  expect(pageErrors(page)).toEqual([]);
});

it('several emails at once: each is invited, and one already invited is named with its problem', async () => {
  const page = await ownerPage('invite');
  await page.getByLabel('Email addresses').fill('carla@monarx.example, dan@monarx.example\nben@monarx.example');
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'View only' }).click();
  await page.getByRole('button', { name: 'Send 3 invitations' }).click();
  await page.getByText('2 invitations sent').waitFor();
  await page.getByText('Not invited: ben@monarx.example').waitFor();
  // The failed address stays in the field, ready to fix.
  expect(await page.getByLabel('Email addresses').inputValue()).toBe('ben@monarx.example');
  await screenshot(page, 'invite-several-one-failed', { fullPage: true });
  await g.smtp.waitForMail('carla@monarx.example', /invited/);
  await g.smtp.waitForMail('dan@monarx.example', /invited/);
});

it('a custom role created inside the invite form is selected and used', async () => {
  const page = await ownerPage('invite');
  await page.getByLabel('Email addresses').fill('eva@monarx.example');
  await page.getByRole('button', { name: 'New custom role' }).click();
  const dialog = page.getByRole('dialog', { name: 'New custom role' });
  await dialog.getByLabel('Role name').fill('Billing clerk');
  await dialog.getByLabel('Invoices: View invoices', { exact: true }).check();
  await dialog.getByLabel('Invoices: Pay invoices', { exact: true }).check();
  await expectAccessible(page, 'new role dialog');
  await screenshot(page, 'invite-new-role-dialog');
  await dialog.getByRole('button', { name: 'Create and select' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await page.getByRole('textbox', { name: 'Role' }).inputValue()).toBe('Billing clerk');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();
  await g.smtp.waitForMail('eva@monarx.example', /invited/);
  expect((await memberByEmail('eva@monarx.example')).role?.name).toBe('Billing clerk');
});

it('a bulk CSV with one bad row shows that row’s error and invites nobody; fixed, it invites everyone', async () => {
  const page = await ownerPage('invite');
  await page.getByRole('tab', { name: 'Upload a CSV' }).click();
  const bad =
    'email,role,name\nfay@monarx.example,View only,Fay Lim\ngus@monarx.example,Astronaut,Gus Tan\nhal@monarx.example,Developer,Hal Ong\n';
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Invite 3 people' }).click();
  const error = page.getByTestId('bulk-error-3');
  await error.waitFor();
  expect(await error.innerText()).toContain('role "Astronaut" does not exist');
  expect(await page.getByTestId('bulk-error-2').count()).toBe(0);
  await expectAccessible(page, 'bulk invite with an error');
  await screenshot(page, 'invite-bulk-row-error', { fullPage: true });
  const list = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/invitations?status=pending`,
    headers: owner.headers,
  });
  expect(list.json<{ items: { email: string }[] }>().items.map((item) => item.email)).not.toContain(
    'fay@monarx.example',
  );

  await page.locator('input[type=file]').setInputFiles({
    name: 'team.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(bad.replace('Astronaut', 'Finance')),
  });
  await page.getByRole('button', { name: 'Invite 3 people' }).click();
  await page.getByText('3 invitations sent').waitFor();
  await g.smtp.waitForMail('gus@monarx.example', /invited/);
});

it('pending invitations show expiry; resend mails a new link and revoke asks first', async () => {
  const pending = await invite(g, owner, 'ivy@monarx.example');
  await g.smtp.waitForMail('ivy@monarx.example', /invited/);
  // Resending is allowed once a minute; make this one old enough.
  await sql`update invitations set last_sent_at = now() - interval '5 minutes' where id = ${pending.id}`.execute(
    g.app.deps.database.db,
  );
  const page = await ownerPage('invitations');
  await page.getByRole('heading', { name: 'Pending invitations' }).waitFor();
  const row = page.getByTestId('invitation-row').filter({ hasText: 'ivy@monarx.example' });
  await row.waitFor();
  await expectAccessible(page, 'pending invitations');
  await screenshot(page, 'invitations-pending', { fullPage: true });

  const before = g.smtp.mails.filter((mail) => mail.to === 'ivy@monarx.example').length;
  await page.getByRole('button', { name: 'Resend the invitation to ivy@monarx.example' }).click();
  await page.getByText('A new invitation was sent to ivy@monarx.example.').waitFor();
  await waitFor(
    'the resent mail',
    () => g.smtp.mails.filter((mail) => mail.to === 'ivy@monarx.example').length > before,
  );
  await row.getByText('Sent 2 times').waitFor();

  await page.getByRole('button', { name: 'Revoke the invitation to ivy@monarx.example' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke this invitation?' });
  await dialog.waitFor();
  await screenshot(page, 'invitations-revoke-confirm');
  await dialog.getByRole('button', { name: 'Revoke invitation' }).click();
  await row.waitFor({ state: 'detached' });
  const list = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/invitations?status=revoked`,
    headers: owner.headers,
  });
  expect(list.json<{ items: { email: string }[] }>().items.map((item) => item.email)).toContain('ivy@monarx.example');
  expect(pageErrors(page)).toEqual([]);
});
