import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../src/sessions/service.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson, expireStepUp } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

// /me/security beyond the name and email (emailed-links.test.ts): the password, recovery codes,
// turning two-factor off and enrolling again, and the list of sessions.

const g = useGatehouse();
let people = 0;
async function person(): Promise<TestUser> {
  people += 1;
  return createPerson(g, { email: `rosa${people}@paymongo.example`, name: 'Rosa Lim', account: { name: 'PayMongo' } });
}

async function securityPage(user: TestUser): Promise<Page> {
  const page = await openPage(g);
  await signInThroughPage(page, g, user);
  await page.getByRole('link', { name: 'Your security', exact: true }).click();
  await page.getByRole('heading', { name: 'Your security' }).waitFor();
  return page;
}

/**
 * A session on another device, started as sign-in would. (Signing in again through the API
 * would spend TOTP codes the browser's sign-in needs within the same 30 s.)
 */
async function otherDevice(user: TestUser, userAgent: string): Promise<string> {
  const now = new Date();
  const { token } = await createSession(g.app.deps.database.db, {
    userId: user.userId,
    stage: 'active',
    secondFactorAt: now,
    context: { ip: '203.0.113.7', userAgent, requestId: null },
    now,
  });
  return token;
}

async function stillSignedIn(token: string): Promise<boolean> {
  return (await validateSessionToken(g.app.deps.database.db, token, new Date())) !== null;
}

const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const windows =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0';

const sessionRows = (page: Page) => page.getByTestId('session-row');

async function answerStepUp(page: Page, user: TestUser): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  await prompt.getByLabel('Authentication code').fill(await codeFor(g, user));
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.waitFor({ state: 'hidden' });
}

it('lists where you are signed in, signs out one other session, then everywhere else', async () => {
  const rosa = await person();
  const phone = await otherDevice(rosa, iphone);
  const laptop = await otherDevice(rosa, windows);
  const page = await securityPage(rosa);
  await expect.poll(() => sessionRows(page).count()).toBe(3);
  const current = sessionRows(page).filter({ hasText: 'This browser' });
  expect(await current.count()).toBe(1);
  // The session you are using cannot be signed out from here (that is "Sign out").
  expect(await current.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  await expectAccessible(page, 'security page');
  await screenshot(page, 'security-sessions', { fullPage: true });

  await sessionRows(page)
    .filter({ hasNotText: 'This browser' })
    .first()
    .getByRole('button', { name: 'Sign out' })
    .click();
  await expect.poll(() => sessionRows(page).count()).toBe(2);
  expect([await stillSignedIn(phone), await stillSignedIn(laptop)].filter(Boolean)).toHaveLength(1);

  await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect.poll(() => sessionRows(page).count()).toBe(1);
  expect(await stillSignedIn(phone)).toBe(false);
  expect(await stillSignedIn(laptop)).toBe(false);
  expect(await page.getByRole('button', { name: 'Sign out everywhere else' }).isDisabled()).toBe(true);
  expect(pageErrors(page)).toEqual([]);
});

it('changes the password: a wrong current one is named beside its field; the new one signs out other sessions and works', async () => {
  const rosa = await person();
  const other = await otherDevice(rosa, iphone);
  const page = await securityPage(rosa);
  const newPassword = 'a new long passphrase 42';

  await page.getByLabel(/^Current password/).fill('not my password at all');
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('That is not your current password').waitFor();
  expect(await page.getByRole('alert').count()).toBe(0);
  await screenshot(page, 'security-password-wrong');

  // Too short: the API's rule, beside the new password.
  await page.getByLabel(/^Current password/).fill(rosa.password);
  await page.getByLabel(/^New password/).fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText(/^Must\b.*8 characters/).waitFor();

  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password was changed; your other sessions were signed out').waitFor();
  expect(await page.getByLabel(/^Current password/).inputValue()).toBe('');
  expect(await stillSignedIn(other)).toBe(false);
  await expect.poll(() => sessionRows(page).count()).toBe(1);

  const fresh = await openPage(g);
  await signInThroughPage(fresh, g, { ...rosa, password: newPassword });
  expect(pageErrors(page)).toEqual([]);
});

it('gets new recovery codes behind the step-up prompt, shown once; a new code signs in', async () => {
  const rosa = await person();
  const page = await securityPage(rosa);
  await expireStepUp(g, rosa.userId);
  await page.getByRole('button', { name: 'Get new recovery codes' }).click();
  await answerStepUp(page, rosa);
  await page.getByText('Save your recovery codes').waitFor();
  const codes = (await page.getByTestId('recovery-codes').innerText()).split(/\s+/).filter(Boolean);
  expect(codes.length).toBeGreaterThanOrEqual(8);
  await screenshot(page, 'security-new-recovery-codes');
  expect(await page.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true);
  await page.getByLabel('I saved my recovery codes somewhere safe').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Get new recovery codes' }).waitFor();
  expect(await page.getByTestId('recovery-codes').count()).toBe(0);

  const fresh = await openPage(g);
  await fresh.goto('/sign-in');
  await fresh.getByLabel('Email').fill(rosa.email);
  await fresh.getByLabel(/^Password/).fill(rosa.password);
  await fresh.getByRole('button', { name: 'Sign in' }).click();
  await fresh.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await fresh.getByLabel('Recovery code').fill(codes[0]);
  await fresh.getByRole('button', { name: 'Verify' }).click();
  await fresh.waitForURL(/\/accounts\/acc_/);
  expect(pageErrors(page)).toEqual([]);
});

it('turns two-factor off after a confirmation, then enrols a new authenticator that signs in', async () => {
  const rosa = await person();
  const page = await securityPage(rosa);
  const status = page.getByTestId('two-factor-status');
  await expect.poll(() => status.innerText()).toMatch(/^on$/i);

  await page.getByRole('button', { name: 'Turn off and reset' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reset two-factor authentication?' });
  await screenshot(page, 'security-reset-two-factor');
  await confirm.getByRole('button', { name: 'Turn off and reset' }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  // The session is fresh from sign-in; a prompt appears only if the step-up window has passed.
  await Promise.race([confirm.waitFor({ state: 'hidden' }), prompt.waitFor()]);
  if (await prompt.isVisible()) await answerStepUp(page, rosa);
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => status.innerText()).toMatch(/^off$/i);

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  const renewed = { ...rosa, totpSecret: secret };
  await page.getByLabel('Six-digit code from the app').fill(await codeFor(g, renewed));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByLabel('I saved my recovery codes somewhere safe').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => status.innerText()).toMatch(/^on$/i);
  await screenshot(page, 'security-two-factor-renewed', { fullPage: true });

  const fresh = await openPage(g);
  await signInThroughPage(fresh, g, renewed);
  expect(pageErrors(page)).toEqual([]);
});
