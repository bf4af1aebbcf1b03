import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { platformHeaders } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson, expireStepUp } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

// The Wompi seed (shared/seeds/001): create a user with ID type, ID number and phone; filter
// the users by status and role; change a role (confirmed, under two-factor authentication);
// reset a user's 2FA; deactivate, after which the user can only be reactivated or deleted.
const g = useGatehouse();

/** The shared step-up prompt, answered from the owner's authenticator. */
async function answerStepUp(page: Page, owner: TestUser): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  await prompt.getByLabel('Authentication code').fill(await codeFor(g, owner));
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.waitFor({ state: 'hidden' });
}

it('Wompi: create a user with identity, filter by status and role, change a role under step-up, reset 2FA, deactivate', async () => {
  const owner = await createPerson(g, {
    email: 'lucia@wompi.example',
    name: 'Lucía Ortega',
    account: { name: 'Wompi Colombia' },
  });
  await createPerson(g, {
    email: 'mateo@wompi.example',
    name: 'Mateo Ruiz',
    accountId: owner.accountId,
    builtinRole: 'developer',
  });
  await createPerson(g, {
    email: 'sofia@wompi.example',
    name: 'Sofía Herrera',
    accountId: owner.accountId,
    builtinRole: 'finance',
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, owner);
  const members = `/accounts/${owner.accountId}/members`;
  const rowNames = async () =>
    (await page.getByTestId('member-row').locator('td:first-child a').allInnerTexts()).map((name) => name.trim());

  // Create user: the identity fields, which cannot be edited afterwards, and a role.
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByRole('link', { name: 'Invite' }).click();
  await page.getByLabel('Email addresses').fill('camilo@wompi.example');
  await page.getByLabel('Full name (optional)').fill('Camilo Pérez');
  await page.getByLabel('ID type').fill('CC');
  await page.getByLabel('ID number').fill('1020304050');
  await page.getByLabel('Phone').fill('+57 300 555 0101');
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Support' }).click();
  await screenshot(page, 'wompi-create-user', { fullPage: true });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();
  const mail = await g.smtp.waitForMail('camilo@wompi.example', /invited/);
  expect(mail.links.some((link) => link.includes('/invitations/accept#token='))).toBe(true);

  // Filter by status, then by role.
  await page.goto(members);
  await page.getByTestId('members-table').waitFor();
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Invited' }).click();
  await expect.poll(rowNames).toEqual(['Camilo Pérez']);
  await screenshot(page, 'wompi-filter-status');
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Finance' }).click();
  await page.getByRole('heading', { name: 'No one matches' }).waitFor();
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Active' }).click();
  await expect.poll(rowNames).toEqual(['Sofía Herrera']);
  await screenshot(page, 'wompi-filter-status-role');

  // The new user's details: identity as given, fixed; bank accounts only once active.
  await page.goto(members);
  await page.getByRole('button', { name: 'Actions for Camilo Pérez' }).click();
  await page.getByRole('menuitem', { name: 'View details' }).click();
  await page.getByRole('heading', { level: 1, name: 'Camilo Pérez' }).waitFor();
  for (const [label, value] of [
    ['ID type', 'CC'],
    ['ID number', '1020304050'],
    ['Phone', '+57 300 555 0101'],
  ]) {
    const field = page.getByRole('textbox', { name: label, exact: true });
    expect(await field.inputValue()).toBe(value);
    expect(await field.getAttribute('readonly')).not.toBeNull();
  }
  await page.getByText('Resources can be assigned or unassigned only while the member is active.').waitFor();
  // The full name, unlike them, stays editable.
  await page.getByRole('textbox', { name: 'Full name' }).fill('Camilo Andrés Pérez');
  await page.getByRole('button', { name: 'Save name' }).click();
  const rename = page.getByRole('dialog', { name: 'Change the name?' });
  await rename.getByText('Camilo Pérez will be shown as Camilo Andrés Pérez').waitFor();
  await rename.getByRole('button', { name: 'Save name' }).click();
  await rename.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 1, name: 'Camilo Andrés Pérez' }).waitFor();

  // Bank accounts come from Wompi's payout system (the platform API) and can be assigned only
  // to an active user: Camilo joins from the mail, then the owner assigns and unassigns one.
  for (const [id, name] of [
    ['co-001', 'Bancolombia 1234'],
    ['co-002', 'Davivienda 5678'],
  ]) {
    const res = await g.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${owner.accountId}/resources/bank_account/${id}`,
      headers: platformHeaders,
      payload: { name },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
  }
  const camilo = await openPage(g);
  await camilo.goto(mail.links.find((link) => link.includes('/invitations/accept#token='))!);
  await camilo.getByLabel(/^Choose a password/).fill('cafetero andino 2026');
  await camilo.getByLabel(/^Repeat the password/).fill('cafetero andino 2026');
  await camilo.getByRole('button', { name: 'Accept and continue' }).click();
  const secret = (await camilo.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await camilo.getByLabel('Six-digit code from the app').fill(await generate({ secret }));
  await camilo.getByRole('button', { name: 'Confirm and turn on' }).click();
  await camilo.getByLabel('I saved my recovery codes somewhere safe').check();
  await camilo.getByRole('button', { name: 'Open Wompi Colombia' }).click();
  await camilo.getByRole('heading', { name: 'Wompi Colombia' }).waitFor();
  await page.reload();
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Active');
  const bank = page.getByTestId('resource-scope').filter({ hasText: 'Payout bank account' });
  await bank.getByText('None assigned').waitFor();
  await bank.getByRole('textbox', { name: 'Add Payout bank account' }).click();
  await page.getByRole('option', { name: 'Bancolombia 1234' }).click();
  await bank.getByRole('button', { name: 'Assign', exact: true }).click();
  const assign = page.getByRole('dialog', { name: 'Assign resource?' });
  await assign.getByRole('button', { name: 'Assign' }).click();
  await assign.waitFor({ state: 'hidden' });
  await bank.getByText('Bancolombia 1234').waitFor();
  // The picker is ready for the next one, not left on the assigned account.
  expect(await bank.getByRole('textbox', { name: 'Add Payout bank account' }).inputValue()).toBe('');
  expect(await bank.getByRole('button', { name: 'Assign', exact: true }).isDisabled()).toBe(true);
  await expectAccessible(page, 'active member with a bank account');
  await screenshot(page, 'wompi-bank-account-assigned', { fullPage: true });
  await bank.getByRole('button', { name: 'Unassign Bancolombia 1234' }).click();
  const unassign = page.getByRole('dialog', { name: 'Unassign resource?' });
  await unassign.getByRole('button', { name: 'Unassign' }).click();
  await unassign.waitFor({ state: 'hidden' });
  await bank.getByText('None assigned').waitFor();
  await expectAccessible(page, 'invited member details');
  await screenshot(page, 'wompi-invited-details', { fullPage: true });

  // Change role from the row's Actions: the preview says what changes; 2FA confirms it.
  await expireStepUp(g, owner.userId);
  await page.goto(members);
  await page.getByRole('button', { name: 'Actions for Mateo Ruiz' }).click();
  await page.getByRole('menuitem', { name: 'Change role' }).click();
  const change = page.getByRole('dialog', { name: 'Change the role of Mateo Ruiz' });
  await change.getByText('Current role: Developer').waitFor();
  await change.getByRole('textbox', { name: 'New role' }).click();
  await page.getByRole('option', { name: 'Finance' }).click();
  const preview = change.getByTestId('role-preview');
  await preview.waitFor();
  expect(await preview.innerText()).toMatch(/Gains \d+ permissions?[\s\S]*Loses \d+ permissions?/);
  expect(await preview.innerText()).toContain('API: Access API keys and documentation');
  await screenshot(page, 'wompi-change-role-preview');
  await change.getByRole('button', { name: 'Change role' }).click();
  await answerStepUp(page, owner);
  await change.waitFor({ state: 'hidden' });
  await page.getByText('Role: Finance').waitFor();

  // Reset Sofía's 2FA from her details (one step-up covers the next few minutes).
  await page.goto(members);
  await page.getByRole('link', { name: 'Sofía Herrera', exact: true }).click();
  await page.getByRole('button', { name: 'Reset 2FA' }).click();
  const reset = page.getByRole('dialog', { name: /Reset two-factor authentication for Sofía Herrera/ });
  await screenshot(page, 'wompi-reset-2fa-confirm');
  await reset.getByRole('button', { name: 'Reset 2FA' }).click();
  await reset.waitFor({ state: 'hidden' });
  await page.getByText('2FA off').waitFor();

  // Deactivate Mateo from the row: afterwards only reactivate and delete are offered, and
  // nothing about him can be edited.
  await page.goto(members);
  await page.getByRole('button', { name: 'Actions for Mateo Ruiz' }).click();
  await page.getByRole('menuitem', { name: 'Deactivate' }).click();
  const deactivate = page.getByRole('dialog', { name: 'Deactivate Mateo Ruiz?' });
  await deactivate.getByRole('button', { name: 'Deactivate' }).click();
  await deactivate.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Deactivated');
  expect(await page.getByTestId('member-actions').getByRole('button').allInnerTexts()).toEqual([
    'Reactivate',
    'Remove',
  ]);
  for (const flag of await page.getByRole('switch').all()) expect(await flag.isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'Save identity' }).count()).toBe(0);
  await page.getByText('Deactivated members cannot be changed.', { exact: false }).waitFor();
  await expectAccessible(page, 'deactivated member');
  await screenshot(page, 'wompi-deactivated', { fullPage: true });
  await page.goto(members);
  await page.getByRole('button', { name: 'Actions for Mateo Ruiz' }).click();
  const menu = page.getByRole('menu');
  await menu.waitFor();
  expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['View details', 'Reactivate', 'Remove']);
  await screenshot(page, 'wompi-deactivated-row-actions');
  await menu.getByRole('menuitem', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Mateo Ruiz?' });
  await remove.getByRole('button', { name: 'Remove' }).click();
  await remove.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Removed');
  expect(await page.getByTestId('member-actions').getByRole('button').count()).toBe(0);
  expect(pageErrors(page)).toEqual([]);
});
