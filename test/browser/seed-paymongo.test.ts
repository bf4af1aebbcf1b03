import { sql } from 'kysely';
import { generate } from 'otplib';
import { expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

// The PayMongo seed (shared/seeds/000): the owner invites a teammate with chosen permissions
// from Team members, the teammate accepts from the mail and signs up, the owner edits then
// deletes them from the ellipsis menu on their row, and the security log shows all of it.
const g = useGatehouse();

it('PayMongo: invite with chosen permissions, accept from the mail, enrol, sign in; edit and delete from the row; the security log lists it', async () => {
  const owner = await createPerson(g, {
    email: 'ana@paymongo.example',
    name: 'Ana Reyes',
    account: { name: 'PayMongo Shop' },
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, owner);

  // Settings → Team members → Add team member.
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByTestId('members-table').waitFor();
  await page.getByRole('link', { name: 'Invite' }).click();
  await page.getByRole('heading', { name: 'Invite teammates' }).waitFor();
  await page.getByLabel('Email addresses').fill('ben@paymongo.example');
  await page.getByLabel('Full name (optional)').fill('Ben Cruz');
  await page.getByLabel('Choose permissions').check();
  // "Manage Links" and "Refund & Contest dispute", as the seed's permission table groups them.
  for (const permission of [
    'Dashboard: Display the dashboard',
    'Payment links: View all links',
    'Payment links: Create payment links',
    'Payment links: Archive and unarchive links',
    'Refunds: Issue refunds',
    'Disputes: Contest disputes',
  ])
    await page.getByLabel(permission, { exact: true }).check();
  await screenshot(page, 'paymongo-invite', { fullPage: true });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();

  // The mail travels over SMTP; its link opens the acceptance page in the teammate's browser.
  const mail = await g.smtp.waitForMail('ben@paymongo.example', /invited/);
  const link = mail.links.find((candidate) => candidate.includes('/invitations/accept#token='));
  expect(link).toBeDefined();
  const ben = await openPage(g);
  await ben.goto(link!);
  const summary = ben.getByTestId('invitation-summary');
  await summary.waitFor();
  expect(await summary.innerText()).toContain(
    'Ana Reyes invited Ben Cruz to join PayMongo Shop. Your access: Custom permissions.',
  );
  await screenshot(ben, 'paymongo-accept');
  await ben.getByLabel(/^Choose a password/).fill('mango jeepney sunset 42');
  await ben.getByLabel(/^Repeat the password/).fill('mango jeepney sunset 42');
  await ben.getByRole('button', { name: 'Accept and continue' }).click();
  await ben.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
  // Ben's authenticator app: the key as the page shows it as text.
  const totpSecret = (await ben.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await ben.getByLabel('Six-digit code from the app').fill(await generate({ secret: totpSecret }));
  await ben.getByRole('button', { name: 'Confirm and turn on' }).click();
  await ben.getByTestId('recovery-codes').waitFor();
  await ben.getByLabel('I saved my recovery codes somewhere safe').check();
  await ben.getByRole('button', { name: 'Open PayMongo Shop' }).click();
  await ben.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();

  // Signs out and in again with the password and the app, as on any later day.
  const { rows } = await sql<{ id: string }>`select id from users where email = 'ben@paymongo.example'`.execute(
    g.app.deps.database.db,
  );
  const benUser: TestUser = {
    userId: rows[0].id,
    email: 'ben@paymongo.example',
    password: 'mango jeepney sunset 42',
    totpSecret,
    accountId: owner.accountId,
    memberId: undefined,
  };
  await ben.getByTestId('user-menu').click();
  await ben.getByRole('menuitem', { name: 'Sign out' }).click();
  await ben.waitForURL(/\/sign-in$/);
  await signInThroughPage(ben, g, benUser);
  await ben.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  // Chosen permissions only: managing members is not among them.
  expect(await ben.getByRole('link', { name: 'Team members' }).count()).toBe(0);
  // The overview says what he may do, in the words of the permission table.
  const access = ben.getByTestId('your-access');
  await access.getByText('Refunds: Issue refunds').waitFor();
  expect(await access.innerText()).toContain(
    'Payment links: View all links, Create payment links, Archive and unarchive links',
  );
  await expectAccessible(ben, 'teammate overview');
  await screenshot(ben, 'paymongo-teammate-overview');

  // The owner's list shows Ben active; the ellipsis on his row edits his permissions.
  await page.goto(`/accounts/${owner.accountId}/members`);
  const row = page.getByTestId('member-row').filter({ hasText: 'ben@paymongo.example' });
  await expect.poll(() => row.innerText()).toMatch(/Custom permissions[\s\S]*Active/i);
  await page.getByRole('button', { name: 'Actions for Ben Cruz' }).click();
  await expectAccessible(page, 'member row actions');
  await screenshot(page, 'paymongo-row-actions');
  await page.getByRole('menuitem', { name: 'Edit permissions' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit permissions' });
  await edit.getByLabel('Refunds: Issue refunds', { exact: true }).uncheck();
  await edit.getByLabel('Users: View members', { exact: true }).check();
  // Owner-only settings (PayMongo: bank account details) are shown, greyed out, never given.
  expect(await edit.getByLabel('Payout bank accounts: Change bank account details', { exact: true }).isDisabled()).toBe(
    true,
  );
  await screenshot(page, 'paymongo-edit-permissions');
  await edit.getByRole('button', { name: 'Save permissions' }).click();
  await edit.waitFor({ state: 'hidden' });
  await page.getByTestId('member-permissions').getByText('View members').waitFor();
  expect(await page.getByTestId('member-permissions').getByText('Issue refunds').count()).toBe(0);
  // Ben's open page follows without a reload: he may now see the team.
  await ben.getByRole('link', { name: 'Team members' }).first().waitFor({ timeout: 60_000 });
  await access.getByText('Users: View members').waitFor();
  expect(await access.getByText('Refunds').count()).toBe(0);
  await screenshot(ben, 'paymongo-teammate-overview-after-edit');

  // Delete, from the same menu, after confirming.
  await page.goto(`/accounts/${owner.accountId}/members`);
  await page.getByRole('button', { name: 'Actions for Ben Cruz' }).click();
  await page.getByRole('menuitem', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Ben Cruz?' });
  await screenshot(page, 'paymongo-remove-confirm');
  await remove.getByRole('button', { name: 'Remove' }).click();
  await remove.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Removed');
  // Ben, with the page still open, is signed out: this was his only account.
  await ben.waitForURL(/\/sign-in/, { timeout: 60_000 });

  // Settings → Security log: the invitation, the acceptance, the change and the removal.
  await page.getByRole('link', { name: 'Security log' }).first().click();
  const log = page.getByTestId('security-events');
  await log.getByText('member.removed').waitFor();
  // Each row as [when, who, action, affected]; the newest first.
  const events = (await log.locator('tbody tr').allInnerTexts()).map((line) =>
    line.split('\t').map((cell) => cell.trim()),
  );
  const eventOf = (action: string) => events.findIndex(([, , what]) => what === action);
  const journey = ['member.removed', 'member.role_changed', 'invitation.accepted', 'invitation.created'];
  const seen = journey.map(eventOf);
  expect(
    seen.every((index) => index >= 0),
    JSON.stringify(events, null, 1),
  ).toBe(true);
  expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  expect(events[eventOf('invitation.created')].slice(1, 4)).toEqual([
    'Ana Reyes',
    'invitation.created',
    'ben@paymongo.example',
  ]);
  // Ben is named by the name he gave, in his own events as in the owner's.
  expect(events[eventOf('invitation.accepted')][1]).toBe('Ben Cruz');
  expect(events[eventOf('session.signed_in')][1]).toBe('Ben Cruz');
  expect(events[eventOf('member.role_changed')].slice(1, 4)).toEqual(['Ana Reyes', 'member.role_changed', 'Ben Cruz']);
  expect(events[eventOf('member.removed')].slice(1, 4)).toEqual(['Ana Reyes', 'member.removed', 'Ben Cruz']);
  await expectAccessible(page, 'security log after the journey');
  await screenshot(page, 'paymongo-security-log', { fullPage: true });
  expect(pageErrors(page)).toEqual([]);
  expect(pageErrors(ben)).toEqual([]);
});
