import { sql } from 'kysely';
import { generate } from 'otplib';
import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../../support/users.js';
import { waitFor } from '../../support/wait.js';
import { codeFor, type Gatehouse } from './gatehouse.js';
import { testPlatformToken } from '../../support/app.js';

/** Headers of the platform's own backend (registers resources, asks authorization questions). */
export const platformHeaders = { authorization: `Bearer ${testPlatformToken}` };

/**
 * A TOTP code the service accepts now. The service takes a code of the current 30 s step or
 * the next one, each once: after two codes in one step, this waits for the clock to move on
 * rather than failing on a busy machine that ran the journey faster than the clock.
 */
export async function freshCode(g: Gatehouse, user: Pick<TestUser, 'userId' | 'totpSecret'>): Promise<string> {
  await waitFor(
    'a TOTP time step not used yet',
    async () => {
      const { rows } = await sql<{ totp_last_step: number | null }>`
        select totp_last_step from users where id = ${user.userId}`.execute(g.app.deps.database.db);
      return (rows[0]?.totp_last_step ?? -1) <= Math.floor(Date.now() / 30_000);
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  return codeFor(g, user);
}

/**
 * After a sensitive click: if the shared step-up prompt asks (the session's second factor is
 * older than five minutes, as on a slow run), answer it; then wait for `done`.
 */
export async function stepUpIfAsked(page: Page, g: Gatehouse, user: TestUser, done: Locator): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.or(done).first().waitFor();
  if (await prompt.isVisible()) await answerStepUp(page, g, user);
  await done.waitFor();
}

/** The shared step-up prompt, answered with a code from the person's authenticator. */
export async function answerStepUp(page: Page, g: Gatehouse, user: TestUser): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  await prompt.getByLabel('Authentication code').fill(await freshCode(g, user));
  await prompt.getByRole('button', { name: 'Confirm', exact: true }).click();
  await prompt.waitFor({ state: 'hidden' });
}

/**
 * A new person accepts a mailed invitation on `page`: name and password, then TOTP enrolment
 * with the key read from the page (the test plays the authenticator app), the recovery codes
 * kept, and the account opened. Returns them as a TestUser, for codes later.
 */
export async function acceptAsNewPerson(
  page: Page,
  g: Gatehouse,
  link: string,
  person: { email: string; name: string; password: string; accountName: string },
): Promise<TestUser> {
  await page.goto(link);
  await page.getByTestId('invitation-summary').waitFor();
  await page.getByLabel('Full name').fill(person.name);
  await page.getByLabel(/^Choose a password/).fill(person.password);
  await page.getByLabel(/^Repeat the password/).fill(person.password);
  await page.getByRole('button', { name: 'Accept and continue' }).click();
  await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
  const key = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await page.getByLabel('Six-digit code from the app').fill(await generate({ secret: key }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByLabel('I saved my recovery codes somewhere safe').check();
  await page.getByRole('button', { name: `Open ${person.accountName}` }).click();
  await page.getByRole('heading', { name: person.accountName }).waitFor();
  const { rows } = await sql<{ id: string }>`select id from users where email = ${person.email}`.execute(
    g.app.deps.database.db,
  );
  return {
    userId: rows[0].id,
    email: person.email,
    password: person.password,
    totpSecret: key,
    accountId: undefined,
    memberId: undefined,
  };
}

/** The link of the newest mail to `email` whose subject matches, waiting for it to arrive over SMTP. */
export async function mailedLink(g: Gatehouse, email: string, subject: RegExp, path: string): Promise<string> {
  const mail = await g.smtp.waitForMail(email, subject);
  const link = mail.links.find((candidate) => candidate.includes(path));
  if (!link) throw new Error(`no ${path} link in the mail to ${email}: ${mail.text}`);
  return link;
}

/** Signs in through the sign-in page, waiting for a usable code when the person just used two. */
export async function signInAs(page: Page, g: Gatehouse, user: TestUser): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(await freshCode(g, user));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
}
