import { expect, it } from 'vitest';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

const g = useGatehouse();

it('Monarx: the owner adds a contact, edits it, and removes it after confirming', async () => {
  const owner = await createPerson(g, {
    email: 'owner@monarx.example',
    name: 'Mona Rix',
    account: { name: 'Monarx Billing' },
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, owner);
  await page.getByRole('link', { name: 'Contacts' }).first().click();
  await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
  await expectAccessible(page, 'contacts (empty)');
  await screenshot(page, 'contacts-empty');

  await page.getByRole('button', { name: 'Add contact' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add a contact' });
  await add.getByRole('textbox', { name: /^Email/ }).fill('accounts@monarx-client.example');
  await add.getByLabel('Name', { exact: true }).fill('Accounts payable');
  await add.getByLabel('Billing').check();
  await expectAccessible(page, 'add contact dialog');
  await screenshot(page, 'contacts-add');
  await add.getByRole('button', { name: 'Add contact' }).click();
  await add.waitFor({ state: 'hidden' });
  const row = page.getByTestId('contact-row').filter({ hasText: 'accounts@monarx-client.example' });
  await row.waitFor();
  expect(await row.innerText()).toMatch(/billing/i);

  await page.getByRole('button', { name: 'Edit accounts@monarx-client.example' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit contact' });
  expect(await edit.getByLabel('Name', { exact: true }).inputValue()).toBe('Accounts payable');
  await edit.getByLabel('Name', { exact: true }).fill('Finance team');
  await edit.getByLabel('Security').check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await edit.waitFor({ state: 'hidden' });
  await row.getByText('Finance team').waitFor();
  expect(await row.innerText()).toMatch(/security/i);
  await expectAccessible(page, 'contacts list');
  await screenshot(page, 'contacts-list');

  await page.getByRole('button', { name: 'Remove accounts@monarx-client.example' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove this contact?' });
  await confirm.getByRole('button', { name: 'Remove contact' }).click();
  await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
  expect(pageErrors(page)).toEqual([]);
});
