import { expect, it } from 'vitest';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson, expireStepUp, pathOf } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

const g = useGatehouse();

it('the password-reset link from the mail opens a page that sets a new password, once', async () => {
  const person = await createPerson(g, {
    email: 'marta@juspay.example',
    name: 'Marta Silva',
    account: { name: 'Juspay Retail' },
  });
  const page = await openPage(g);
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  await expectAccessible(page, 'password reset request');
  await screenshot(page, 'password-reset-request');
  await page.getByLabel('Email').fill(person.email);
  await page.getByRole('button', { name: 'Send the reset link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();

  const mail = await g.smtp.waitForMail(person.email, /Reset your Gatehouse password/);
  const link = mail.links.find((candidate) => candidate.includes('/password-reset#token='))!;
  expect(link.startsWith(g.url)).toBe(true);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await expectAccessible(page, 'choose a new password');
  await screenshot(page, 'password-reset-choose');

  const newPassword = 'lantern orchard velvet compass 42';
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByLabel(/^Repeat the password/).fill('something else entirely');
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('The two passwords differ').waitFor();
  // A weak password is refused beside its field, in words, with the code.
  await page.getByLabel(/^New password/).fill('password');
  await page.getByLabel(/^Repeat the password/).fill('password');
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('Is one of the most common passwords; choose another').waitFor();
  await screenshot(page, 'password-reset-weak');
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByLabel(/^Repeat the password/).fill(newPassword);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByRole('heading', { name: 'Password changed' }).waitFor();
  await screenshot(page, 'password-reset-done');

  await signInThroughPage(page, g, { ...person, password: newPassword });

  // The same link a second time: a clear page, not an error dump.
  const second = await openPage(g);
  await second.goto(pathOf(link));
  await second.getByLabel(/^New password/).fill('another fine long passphrase');
  await second.getByLabel(/^Repeat the password/).fill('another fine long passphrase');
  await second.getByRole('button', { name: 'Save the new password' }).click();
  await second.getByRole('heading', { name: 'This link no longer works' }).waitFor();
  await expectAccessible(second, 'used reset link');
  await screenshot(second, 'password-reset-link-used');
  expect(pageErrors(page)).toEqual([]);
});

it('changing your email asks for a fresh code once, keeps what you typed, and the mailed link confirms it', async () => {
  const person = await createPerson(g, {
    email: 'old@billpro.example',
    name: 'Iris Novak',
    account: { name: 'BillPro' },
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, person);
  await expireStepUp(g, person.userId);

  await page.goto('/me/security');
  await page.getByRole('heading', { name: 'Your security' }).waitFor();
  await page.getByRole('cell', { name: 'This browser' }).waitFor();
  await expectAccessible(page, 'your security');
  await screenshot(page, 'me-security', { fullPage: true });

  await page.getByLabel(/^New email address/).fill('iris@billpro.example');
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm it is you' });
  await prompt.waitFor();
  // Cancelled: the refusal is shown with the form, by its code, and the address stays typed.
  await prompt.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('auth.step_up_required');
  expect(await page.getByLabel(/^New email address/).inputValue()).toBe('iris@billpro.example');
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  await prompt.waitFor();
  // The prompt fades in: judge its colours once it is opaque, not halfway through (axe then
  // blends the text with the page behind and reports a contrast failure that nobody sees).
  await expect
    .poll(() =>
      prompt.evaluate(
        (element) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(element)
            .opacity,
      ),
    )
    .toBe('1');
  await expectAccessible(page, 'step-up prompt');
  await screenshot(page, 'step-up-prompt');
  await prompt.getByLabel('Authentication code').fill('000000');
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.getByRole('alert').or(prompt.locator('[aria-invalid="true"]')).first().waitFor();
  await prompt.getByLabel('Authentication code').fill(await codeFor(g, person));
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  // The original request went again by itself: nothing retyped.
  await page.getByText('A confirmation link is on its way to iris@billpro.example').waitFor();
  // The prompt closes with a transition: wait for it to be gone rather than sample it.
  await prompt.waitFor({ state: 'hidden' });

  const mail = await g.smtp.waitForMail('iris@billpro.example', /Confirm your new email address/);
  await page.goto(mail.links.find((candidate) => candidate.includes('/email-change#token='))!);
  await page.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
  await screenshot(page, 'email-change-confirm');
  await page.getByRole('button', { name: 'Confirm this address' }).click();
  await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
  await expectAccessible(page, 'email change done');
  await page.goto('/me/security');
  await expect.poll(() => page.getByTestId('current-email').textContent()).toBe('iris@billpro.example');

  // A link without its token (or a mangled one) shows a page that says what to do.
  await page.goto('/email-change');
  await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();
  await screenshot(page, 'email-change-link-invalid');
  expect(pageErrors(page)).toEqual([]);
});
