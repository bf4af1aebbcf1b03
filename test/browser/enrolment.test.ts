import { generate } from 'otplib';
import { expect, it } from 'vitest';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

const g = useGatehouse();

it('a member without TOTP enrols at sign-in (QR, key as text, code), keeps the recovery codes, then signs in with one', async () => {
  const person = await createPerson(g, {
    email: 'leo@wompi.example',
    name: 'Leo Duarte',
    totp: false,
    account: { name: 'Wompi Colombia', requireTwoFactor: true },
  });
  const page = await openPage(g);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel(/^Password/).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
  await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
  const shownKey = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  expect(shownKey).toMatch(/^[A-Z2-7]{16,}$/);
  await expectAccessible(page, 'TOTP enrolment');
  await screenshot(page, 'enrol-totp');

  // A wrong code is refused and the page stays (the seed is not replaced).
  await page.getByLabel('Six-digit code from the app').fill('000000');
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByRole('alert').waitFor();
  expect((await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '')).toBe(shownKey);

  // The authenticator app, played by the test, reads the key from the page.
  await page.getByLabel('Six-digit code from the app').fill(await generate({ secret: shownKey }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByText('Save your recovery codes').waitFor();
  const codes = (await page.getByTestId('recovery-codes').innerText()).split(/\s+/).filter(Boolean);
  expect(codes.length).toBeGreaterThanOrEqual(8);
  const finish = page.getByRole('button', { name: 'Finish signing in' });
  expect(await finish.isDisabled()).toBe(true);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('gatehouse-recovery-codes.txt');
  await expectAccessible(page, 'recovery codes');
  await screenshot(page, 'enrol-recovery-codes');
  await page.getByLabel('I saved my recovery codes somewhere safe').check();
  await finish.click();
  await page.waitForURL(/\/accounts\/acc_/);
  await page.getByRole('heading', { name: 'Wompi Colombia' }).waitFor();

  // Signed out, back in with a recovery code instead of the app.
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel(/^Password/).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await screenshot(page, 'sign-in-recovery-code');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
  expect(pageErrors(page)).toEqual([]);
});
