import { expect, it } from 'vitest';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
import { codeFor, createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

const g = useGatehouse();

it('an owner signs in with email, password and a TOTP code, lands in their account, and signs out', async () => {
  const owner = await createPerson(g, {
    email: 'ana@paymongo.example',
    name: 'Ana Reyes',
    account: { name: 'PayMongo Shop' },
  });
  const page = await openPage(g);

  await page.goto('/');
  await page.waitForURL(/\/sign-in\?next=/);
  await page.getByRole('heading', { name: 'Sign in to Gatehouse' }).waitFor();
  await expectAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in');

  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel(/^Password/).fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('auth.invalid_credentials');
  await screenshot(page, 'sign-in-wrong-password');

  await page.getByLabel(/^Password/).fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').waitFor();
  await expectAccessible(page, 'sign-in second factor');
  await screenshot(page, 'sign-in-totp');
  await page.getByLabel('Authentication code').fill(await codeFor(g, owner));
  await page.getByRole('button', { name: 'Verify' }).click();

  await page.waitForURL(/\/accounts\/acc_/);
  await page.getByRole('heading', { name: 'PayMongo Shop' }).waitFor();
  await expect.poll(() => page.getByTestId('account-switcher').textContent()).toContain('PayMongo Shop');
  // Every shortcut says what its screen is for (Profiles had no line).
  const shortcuts = await page.locator('main a').all();
  expect(shortcuts.length).toBeGreaterThan(5);
  for (const card of shortcuts)
    expect((await card.innerText()).split('\n').filter(Boolean).length, await card.innerText()).toBeGreaterThan(1);
  await expectAccessible(page, 'account overview');
  await screenshot(page, 'overview');

  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
  await page.getByText('You have signed out.').waitFor();
  // The session is really gone: the API refuses it.
  const me = await page.evaluate(() => fetch('/v1/me').then((r) => r.status));
  expect(me).toBe(401);
  expect(pageErrors(page)).toEqual([]);
});

it('a wrong code is refused beside the field; a signed-in person who opens /sign-in goes to their account', async () => {
  const owner = await createPerson(g, { email: 'wrong-code@example.com', account: { name: 'Wompi Store' } });
  const page = await openPage(g);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel(/^Password/).fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('That code is not valid').waitFor();
  await page.getByLabel('Authentication code').fill(await codeFor(g, owner));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
  await page.goto('/sign-in');
  await page.waitForURL(/\/accounts\/acc_/);
});
