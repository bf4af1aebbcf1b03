import type { Cookie, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
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
