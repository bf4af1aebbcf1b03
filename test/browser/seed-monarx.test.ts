import { sql } from 'kysely';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

// The Monarx seed (shared/seeds/002): invite a user by email with "Choose permissions",
// "Remove Access" (reversible only by inviting them again), re-invite, and add someone who
// needs no access as a Contact instead.
const g = useGatehouse();

async function inviteThroughForm(page: Page, email: string, permissions: string[]): Promise<void> {
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByRole('link', { name: 'Invite' }).click();
  await page.getByLabel('Email addresses').fill(email);
  await page.getByLabel('Choose permissions').check();
  for (const permission of permissions) await page.getByLabel(permission, { exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();
}

async function invitationLink(email: string, sentBefore: number): Promise<string> {
  await expect
    .poll(() => g.smtp.mails.filter((mail) => mail.to === email).length, { timeout: 60_000 })
    .toBeGreaterThan(sentBefore);
  const mail = await g.smtp.waitForMail(email, /invited/);
  return mail.links.find((link) => link.includes('/invitations/accept#token='))!;
}

it('Monarx: invite with chosen permissions, remove access, re-invite the same email, and add a contact instead', async () => {
  const owner = await createPerson(g, {
    email: 'mona@monarx.example',
    name: 'Mona Rix',
    account: { name: 'Monarx Billing' },
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, owner);

  // "View & Pay Invoices" and "View & Open Support Tickets", nothing else.
  await inviteThroughForm(page, 'pete@monarx-client.example', [
    'Invoices: View invoices',
    'Invoices: Pay invoices',
    'Support tickets: View support tickets',
    'Support tickets: Open, respond to and manage tickets',
  ]);
  await screenshot(page, 'monarx-invite-sent', { fullPage: true });

  // Pete joins from the mail: password and authenticator.
  const pete = await openPage(g);
  await pete.goto(await invitationLink('pete@monarx-client.example', 0));
  await pete.getByLabel('Full name').fill('Pete Bishop');
  await pete.getByLabel(/^Choose a password/).fill('billing ledger canopy 7');
  await pete.getByLabel(/^Repeat the password/).fill('billing ledger canopy 7');
  await pete.getByRole('button', { name: 'Accept and continue' }).click();
  const totpSecret = (await pete.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await pete.getByLabel('Six-digit code from the app').fill(await generate({ secret: totpSecret }));
  await pete.getByRole('button', { name: 'Confirm and turn on' }).click();
  await pete.getByLabel('I saved my recovery codes somewhere safe').check();
  await pete.getByRole('button', { name: 'Open Monarx Billing' }).click();
  await pete.getByRole('heading', { name: 'Monarx Billing' }).waitFor();

  // Remove Access: at once, and Pete's open page is signed out.
  await page.goto(`/accounts/${owner.accountId}/members`);
  await page.getByRole('button', { name: 'Actions for Pete Bishop' }).click();
  await page.getByRole('menuitem', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Pete Bishop?' });
  await remove.getByText('To give them access again, invite them again.').waitFor();
  await screenshot(page, 'monarx-remove-confirm');
  await remove.getByRole('button', { name: 'Remove' }).click();
  await remove.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Removed');
  await pete.waitForURL(/\/sign-in/, { timeout: 60_000 });

  // Reversible by inviting the same email again, this time with contacts as well.
  const sent = g.smtp.mails.filter((mail) => mail.to === 'pete@monarx-client.example').length;
  await inviteThroughForm(page, 'pete@monarx-client.example', [
    'Invoices: View invoices',
    'Contacts: View contacts',
    'Contacts: Manage contacts',
  ]);
  const again = await invitationLink('pete@monarx-client.example', sent);
  // Pete already has a sign-in: he signs in to accept, and is back in.
  await pete.goto(again);
  await pete.getByText('pete@monarx-client.example already has a Gatehouse sign-in. Sign in to accept.').waitFor();
  await expectAccessible(pete, 'invitation for a returning person');
  await screenshot(pete, 'monarx-reinvite-existing-user');
  await pete.getByRole('link', { name: 'Sign in to accept' }).click();
  const { rows } = await sql<{ id: string }>`select id from users where email = 'pete@monarx-client.example'`.execute(
    g.app.deps.database.db,
  );
  const peteUser: Pick<TestUser, 'userId' | 'totpSecret'> = { userId: rows[0].id, totpSecret };
  await pete.getByLabel('Email').fill('pete@monarx-client.example');
  await pete.getByLabel(/^Password/).fill('billing ledger canopy 7');
  await pete.getByRole('button', { name: 'Sign in' }).click();
  await pete.getByLabel('Authentication code').fill(await codeFor(g, peteUser));
  await pete.getByRole('button', { name: 'Verify' }).click();
  await pete.waitForURL(/\/invitations\/accept#token=/);
  await pete.getByRole('button', { name: 'Accept invitation' }).click();
  await pete.getByRole('heading', { name: 'Monarx Billing' }).waitFor();
  // With the new permissions, not the old ones: contacts, and no support tickets.
  await pete.getByRole('link', { name: 'Contacts' }).first().waitFor();
  await screenshot(pete, 'monarx-back-in');

  await page.goto(`/accounts/${owner.accountId}/members?status=active`);
  const row = page.getByTestId('member-row').filter({ hasText: 'pete@monarx-client.example' });
  await expect.poll(() => row.innerText()).toMatch(/Pete Bishop[\s\S]*Custom permissions[\s\S]*Active/i);
  await page.getByRole('link', { name: 'Pete Bishop', exact: true }).click();
  const granted = page.getByTestId('member-permissions');
  // One line per module: what she holds of it, by name.
  await expect.poll(() => granted.innerText()).toMatch(/Contacts:[^\n]*Manage contacts/);
  expect(await granted.getByText('Support tickets', { exact: false }).count()).toBe(0);

  // Someone who only needs the billing emails: a contact, not a user.
  await page.getByRole('link', { name: 'Contacts' }).first().click();
  await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add a contact' });
  await add.getByRole('textbox', { name: /^Email/ }).fill('accounts@monarx-client.example');
  await add.getByLabel('Name', { exact: true }).fill('Accounts payable');
  await add.getByLabel('Billing').check();
  await add.getByRole('button', { name: 'Add contact' }).click();
  await add.waitFor({ state: 'hidden' });
  const contact = page.getByTestId('contact-row').filter({ hasText: 'accounts@monarx-client.example' });
  await contact.getByText('Accounts payable').waitFor();
  await expectAccessible(page, 'contacts with one contact');
  await screenshot(page, 'monarx-contacts');
  // A contact is not a member: the team is still the owner and Pete.
  await page.goto(`/accounts/${owner.accountId}/members`);
  await expect
    .poll(async () => (await page.getByTestId('member-row').locator('td:first-child a').allInnerTexts()).length)
    .toBe(2);
  expect(pageErrors(page)).toEqual([]);
  expect(pageErrors(pete)).toEqual([]);
});
