import { sql } from 'kysely';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { signUpAndSignIn, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
import { codeFor, createPerson, invite } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'ana@paymongo.example',
    name: 'Ana Reyes',
    account: { name: 'PayMongo Shop' },
  });
});

async function invitationLink(email: string): Promise<string> {
  const mail = await g.smtp.waitForMail(email, /invited/);
  return mail.links.find((link) => link.includes('/invitations/accept#token='))!;
}

/** Plays the authenticator app: reads the key from the enrolment page and answers with a code. */
async function enrolFromPage(page: Page): Promise<void> {
  const key = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await page.getByLabel('Six-digit code from the app').fill(await generate({ secret: key }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByTestId('recovery-codes').waitFor();
}

it('a new person opens the mailed invitation, sees who invited them where, sets name and password, enrols, and is in', async () => {
  await invite(g, owner, 'ben@paymongo.example', 'builtin:view_only', { name: 'Ben Cruz' });
  const link = await invitationLink('ben@paymongo.example');
  const page = await openPage(g);
  await page.goto(link);

  const summary = page.getByTestId('invitation-summary');
  await summary.waitFor();
  expect(await summary.innerText()).toContain(
    'Ana Reyes invited Ben Cruz to join PayMongo Shop. Your access: View only.',
  );
  expect(await page.getByLabel('Full name').inputValue()).toBe('Ben Cruz');
  await expectAccessible(page, 'invitation (new person)');
  await screenshot(page, 'invitation-new-person');

  await page.getByLabel(/^Choose a password/).fill('harbour lemon quartz tiger 9');
  await page.getByLabel(/^Repeat the password/).fill('harbour lemon quartz tiger 9');
  await page.getByRole('button', { name: 'Accept and continue' }).click();
  await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
  await screenshot(page, 'invitation-enrol');
  await enrolFromPage(page);
  await page.getByLabel('I saved my recovery codes somewhere safe').check();
  await page.getByRole('button', { name: 'Open PayMongo Shop' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
  await page.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  expect(await page.getByTestId('user-menu').innerText()).toContain('Ben Cruz');

  // The link once more: already used, said plainly.
  const again = await openPage(g);
  await again.goto(link);
  await again.getByRole('heading', { name: 'This invitation was already used' }).waitFor();
  await expectAccessible(again, 'used invitation');
  await screenshot(again, 'invitation-used');
  expect(pageErrors(page)).toEqual([]);
});

it('an existing user signs in from the invitation, accepts, and switches between their accounts (remembered)', async () => {
  const carla = await createPerson(g, {
    email: 'carla@example.com',
    name: 'Carla Gómez',
    account: { name: 'Carla Store' },
  });
  await invite(g, owner, carla.email, 'builtin:view_only');
  const link = await invitationLink(carla.email);
  const page = await openPage(g);
  await page.goto(link);
  await page.getByText('carla@example.com already has a Gatehouse sign-in. Sign in to accept.').waitFor();
  await screenshot(page, 'invitation-existing-user');
  await page.getByRole('link', { name: 'Sign in to accept' }).click();
  await page.getByLabel('Email').fill(carla.email);
  await page.getByLabel(/^Password/).fill(carla.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(await codeFor(g, carla));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/invitations\/accept#token=/);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
  await page.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  const payMongoUrl = page.url();

  await page.getByTestId('account-switcher').click();
  const menu = page.getByRole('menu');
  await menu.getByRole('menuitem', { name: /Carla Store/ }).waitFor();
  await expectAccessible(page, 'account switcher');
  await screenshot(page, 'account-switcher');
  await menu.getByRole('menuitem', { name: /Carla Store/ }).click();
  await page.getByRole('heading', { name: 'Carla Store' }).waitFor();
  // Remembered in this browser: the home page opens the account used last.
  await page.goto('/');
  await page.getByRole('heading', { name: 'Carla Store' }).waitFor();
  // Even a page left before the browser was ever idle remembers its account: from here on the
  // idle callback never comes, and the memory is written as the page is left.
  await page.addInitScript('window.requestIdleCallback = () => 0;');
  await page.goto(payMongoUrl);
  await page.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  await page.goto('/');
  await page.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  expect(pageErrors(page)).toEqual([]);
});

it('expired, revoked and mangled invitation links each show a clear page', async () => {
  const expired = await invite(g, owner, 'late@example.com');
  await sql`update invitations set expires_at = now() - interval '1 day' where id = ${expired.id}`.execute(
    g.app.deps.database.db,
  );
  const page = await openPage(g);
  await page.goto(await invitationLink('late@example.com'));
  await page.getByRole('heading', { name: 'This invitation has expired' }).waitFor();
  await expectAccessible(page, 'expired invitation');
  await screenshot(page, 'invitation-expired');

  const revoked = await invite(g, owner, 'withdrawn@example.com');
  const link = await invitationLink('withdrawn@example.com');
  const revoke = await g.app.inject({
    method: 'DELETE',
    url: `/v1/accounts/${owner.accountId}/invitations/${revoked.id}`,
    headers: owner.headers,
  });
  expect(revoke.statusCode).toBeLessThan(300);
  await page.goto(link);
  await page.getByRole('heading', { name: /This invitation (was already used|link does not work)/ }).waitFor();
  await screenshot(page, 'invitation-revoked');

  await page.goto('/invitations/accept#token=not-a-real-token-000000000000');
  await page.getByRole('heading', { name: 'This invitation link does not work' }).waitFor();
  expect(await page.getByTestId('link-problem').innerText()).not.toContain('{');
});
