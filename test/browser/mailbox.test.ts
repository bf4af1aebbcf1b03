import { expect, it } from 'vitest';
import { signUpAndSignIn } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
import { invite } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

// Development without SMTP: mail lands in the dev mailbox, as on a newcomer's laptop.
const g = useGatehouse({ SMTP_URL: '' });

it('the development mailbox lists the mail the service would have sent, and its links open the pages', async () => {
  const page = await openPage(g);
  await page.goto('/dev/mailbox');
  await page.getByRole('heading', { name: 'Mailbox' }).waitFor();
  await page.getByText('No mail yet').waitFor();
  await expectAccessible(page, 'empty mailbox');
  await screenshot(page, 'mailbox-empty');

  const owner = await signUpAndSignIn(g.app, {
    email: 'ana@monarx.example',
    name: 'Ana Reyes',
    account: { name: 'Monarx' },
  });

  await invite(g, owner, 'dora@monarx.example', 'builtin:view_only', { name: 'Dora Lim' });
  // The page polls: the mail appears without a reload.
  const mail = page.getByTestId('mailbox-mail').filter({ hasText: 'join Monarx' }).first();
  await mail.waitFor();
  await mail.getByRole('link', { name: /\/invitations\/accept#token=/ }).waitFor();
  await expectAccessible(page, 'mailbox');
  await screenshot(page, 'mailbox');
  await mail.getByRole('link', { name: /\/invitations\/accept#token=/ }).click();
  await page.getByTestId('invitation-summary').waitFor();
  expect(await page.getByTestId('invitation-summary').innerText()).toContain(
    'Ana Reyes invited Dora Lim to join Monarx',
  );
  expect(pageErrors(page)).toEqual([]);
});
