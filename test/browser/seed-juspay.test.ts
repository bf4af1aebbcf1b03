import type { Cookie, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson, expireStepUp } from './support/gatehouse.js';
import {
  acceptAsNewPerson,
  answerStepUp,
  freshCode,
  mailedLink,
  platformHeaders,
  signInAs,
  stepUpIfAsked,
} from './support/journey.js';
import { useGatehouse } from './support/use-gatehouse.js';

// The Juspay seed (User Management » Users): invite with a role, limited to some product and
// gateway reference IDs; a custom role created from inside the invite form; disable and enable
// a user; update a user's email; delete a user. Every step in the dashboard, as the admin would.

const g = useGatehouse();
let owner: TestUser;
let ownerCookies: Cookie[];
let page: Page;
/** Priya, invited in the first journey; the later ones act on her. */
let priya: TestUser;

beforeAll(async () => {
  owner = await createPerson(g, {
    email: 'arjun@juspay.example',
    name: 'Arjun Mehta',
    account: { name: 'Juspay Retail' },
  });
  // The platform registers what members can be limited to: its products and gateway references.
  for (const [type, id, name] of [
    ['product', 'prod-web', 'Web checkout'],
    ['product', 'prod-app', 'Mobile app'],
    ['gateway', 'gw-hdfc', 'HDFC Bank'],
    ['gateway', 'gw-icici', 'ICICI Bank'],
  ]) {
    const res = await g.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${owner.accountId}/resources/${type}/${id}`,
      headers: platformHeaders,
      payload: { name },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const signIn = await openPage(g);
  await signInThroughPage(signIn, g, owner);
  ownerCookies = await signIn.context().cookies();
});
// Every test works in the admin's session, in a page of its own (support/browser.ts closes it).
beforeEach(async () => {
  page = await openPage(g);
  await page.context().addCookies(ownerCookies);
});
// A step-up renews the session cookie: the next test carries the renewed one.
afterEach(async () => {
  if (!page.isClosed()) ownerCookies = await page.context().cookies();
});

/** What the platform's backend would ask Gatehouse before showing Priya a payment. */
async function priyaMay(permission: string, resource: { type: string; id: string }): Promise<boolean> {
  const res = await g.app.inject({
    method: 'POST',
    url: '/v1/authz/check',
    headers: platformHeaders,
    payload: { accountId: owner.accountId, subject: { userId: priya.userId }, permission, resource },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ allowed: boolean }>().allowed;
}

async function openPriya(): Promise<void> {
  await page.goto(`/accounts/${owner.accountId}`);
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByRole('link', { name: 'Priya Nair', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Priya Nair' }).waitFor();
}

it('invites a user with a role, limited to one product and one gateway; she sets a password and 2FA and is in', async () => {
  await page.goto(`/accounts/${owner.accountId}`);
  await page.getByRole('link', { name: 'Team members' }).first().click();
  await page.getByRole('link', { name: 'Invite' }).first().click();
  await page.getByRole('heading', { name: 'Invite teammates' }).waitFor();
  await page.getByLabel('Email addresses').fill('priya@juspay.example');
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Support' }).click();
  // "Advanced settings": only these product IDs and gateway reference IDs.
  await page.getByRole('textbox', { name: 'Limit to these Products' }).click();
  await page.getByRole('option', { name: 'Web checkout' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('textbox', { name: 'Limit to these Gateway references' }).click();
  await page.getByRole('option', { name: 'HDFC Bank' }).click();
  await page.keyboard.press('Escape');
  await expectAccessible(page, 'invite with resource limits');
  await screenshot(page, 'juspay-invite-limits', { fullPage: true });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();

  // The invitation travels over SMTP; Priya opens it in her own browser.
  const link = await mailedLink(g, 'priya@juspay.example', /invited/, '/invitations/accept#token=');
  const hers = await openPage(g);
  priya = await acceptAsNewPerson(hers, g, link, {
    email: 'priya@juspay.example',
    name: 'Priya Nair',
    password: 'monsoon ledger kite 2024',
    accountName: 'Juspay Retail',
  });
  await screenshot(hers, 'juspay-invitee-in');

  // Her access follows the role, on the chosen product and gateway only.
  expect(await priyaMay('payments.view', { type: 'product', id: 'prod-web' })).toBe(true);
  expect(await priyaMay('payments.view', { type: 'product', id: 'prod-app' })).toBe(false);
  expect(await priyaMay('disputes.view', { type: 'gateway', id: 'gw-hdfc' })).toBe(true);
  expect(await priyaMay('disputes.view', { type: 'gateway', id: 'gw-icici' })).toBe(false);

  // The admin sees her active, with the limits, in the users list and her details.
  await page.getByRole('link', { name: 'Team members' }).first().click();
  const row = page.getByTestId('member-row').filter({ hasText: 'Priya Nair' });
  await expect.poll(() => row.innerText()).toMatch(/priya@juspay\.example[\s\S]*Support[\s\S]*Active/i);
  await openPriya();
  const scopes = page.getByTestId('resource-scope');
  await scopes.filter({ hasText: 'Product' }).getByText('Web checkout').waitFor();
  await scopes.filter({ hasText: 'Gateway reference' }).getByText('HDFC Bank').waitFor();
  expect(await scopes.filter({ hasText: 'Product' }).getByText('Mobile app').count()).toBe(0);
  await screenshot(page, 'juspay-member-limits', { fullPage: true });
  expect(pageErrors(page)).toEqual([]);
  expect(pageErrors(hers)).toEqual([]);
});

it('creates a custom role from inside the invite form, without leaving it, and invites with it', async () => {
  await page.goto(`/accounts/${owner.accountId}/invite`);
  await page.getByLabel('Email addresses').fill('rahul@juspay.example');
  await page.getByLabel('Full name (optional)').fill('Rahul Iyer');
  await page.getByRole('button', { name: 'New custom role' }).click();
  const dialog = page.getByRole('dialog', { name: 'New custom role' });
  await dialog.getByLabel('Role name').fill('Gateway operations');
  await dialog.getByLabel('Gateways: View gateways', { exact: true }).check();
  await dialog.getByLabel('Gateways: Manage gateway settings', { exact: true }).check();
  await dialog.getByLabel('Payments: View all payments (all processed)', { exact: true }).check();
  await screenshot(page, 'juspay-invite-new-role');
  await dialog.getByRole('button', { name: 'Create and select' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // Still the same form, with what was typed, and the new role chosen.
  expect(await page.getByLabel('Email addresses').inputValue()).toBe('rahul@juspay.example');
  expect(await page.getByRole('textbox', { name: 'Role' }).inputValue()).toBe('Gateway operations');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByTestId('invite-sent').waitFor();
  await mailedLink(g, 'rahul@juspay.example', /invited/, '/invitations/accept#token=');

  // The pending invitation names the role, and the role is in the Roles list like any other.
  await page.getByRole('link', { name: 'Pending invitations' }).click();
  const invitation = page.getByTestId('invitation-row').filter({ hasText: 'rahul@juspay.example' });
  await expect.poll(() => invitation.innerText()).toContain('Gateway operations');
  await page.getByRole('link', { name: 'Roles' }).first().click();
  await page.getByTestId('role-Gateway operations').waitFor();
  const roles = await g.app.inject({
    method: 'GET',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: platformHeaders,
  });
  const created = roles
    .json<{ items: { name: string; permissions: { permission: string }[] }[] }>()
    .items.find((role) => role.name === 'Gateway operations');
  expect(created?.permissions.map((grant) => grant.permission).sort()).toEqual([
    'gateways.manage',
    'gateways.view',
    'payments.view',
  ]);
  expect(pageErrors(page)).toEqual([]);
});

it('disables a user, who can then no longer sign in to the account, and enables her again', async () => {
  await openPriya();
  // The first sensitive action after a while asks for a fresh code, once.
  await expireStepUp(g, owner.userId);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  const confirm = page.getByRole('dialog', { name: 'Deactivate Priya Nair?' });
  await expectAccessible(page, 'deactivate confirmation');
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await answerStepUp(page, g, owner);
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('member-status').textContent()).toBe('Deactivated');
  await screenshot(page, 'juspay-member-disabled', { fullPage: true });

  // Priya's sign-in no longer opens the account.
  const hers = await openPage(g);
  await hers.goto('/sign-in');
  await hers.getByLabel('Email').fill(priya.email);
  await hers.getByLabel(/^Password/).fill(priya.password);
  await hers.getByRole('button', { name: 'Sign in' }).click();
  await hers.getByLabel('Authentication code').fill(await freshCode(g, priya));
  await hers.getByRole('button', { name: 'Verify' }).click();
  // Signed in, but the account is not opened: she is told her access was deactivated, and by whom.
  await hers.getByRole('heading', { name: 'Your access is deactivated' }).waitFor();
  await hers.getByText('An administrator of Juspay Retail deactivated your access.', { exact: false }).waitFor();
  await expectAccessible(hers, 'access deactivated');
  await screenshot(hers, 'juspay-disabled-sign-in');
  expect(hers.url()).not.toContain(`/accounts/${owner.accountId}`);

  await page.getByRole('button', { name: 'Reactivate' }).click();
  const again = page.getByRole('dialog', { name: 'Reactivate Priya Nair?' });
  await again.getByRole('button', { name: 'Reactivate' }).click();
  await stepUpIfAsked(page, g, owner, page.getByTestId('member-status').getByText('Active'));
  await again.waitFor({ state: 'hidden' });
  expect(await page.getByTestId('member-actions').getByRole('button', { name: 'Deactivate' }).count()).toBe(1);

  // Enabled: she signs in and works in the account again.
  const back = await openPage(g);
  await signInAs(back, g, priya);
  await back.getByRole('heading', { name: 'Juspay Retail' }).waitFor();
  expect(pageErrors(page)).toEqual([]);
});

it('updates a user’s email: the link mailed to the new address confirms it, and the new email is shown', async () => {
  await openPriya();
  await page.getByRole('button', { name: 'Change email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change email' });
  await dialog.getByLabel('New email').fill('priya.nair@juspay.example');
  await screenshot(page, 'juspay-update-email');
  await dialog.getByRole('button', { name: 'Send confirmation link' }).click();
  // Not "Saved": nothing changes until the new address confirms.
  await stepUpIfAsked(
    page,
    g,
    owner,
    page.getByText('A confirmation link is on its way to priya.nair@juspay.example.', { exact: false }),
  );
  await page.getByText('priya@juspay.example', { exact: true }).first().waitFor();
  await dialog.waitFor({ state: 'hidden' });

  // The mail reaches the new address; Priya opens its link.
  const link = await mailedLink(g, 'priya.nair@juspay.example', /email/i, '/email-change#token=');
  const hers = await openPage(g);
  await hers.goto(link);
  await hers.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
  await hers.getByRole('button', { name: 'Confirm this address' }).click();
  await hers.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
  await screenshot(hers, 'juspay-email-confirmed');

  // The admin sees the new address, in the list and on her page.
  await page.getByRole('link', { name: 'All team members' }).click();
  const row = page.getByTestId('member-row').filter({ hasText: 'Priya Nair' });
  await expect.poll(() => row.innerText()).toContain('priya.nair@juspay.example');
  await openPriya();
  await page.getByText('priya.nair@juspay.example', { exact: true }).waitFor();
  await screenshot(page, 'juspay-email-updated', { fullPage: true });

  // And she signs in with it.
  priya = { ...priya, email: 'priya.nair@juspay.example' };
  const next = await openPage(g);
  await signInAs(next, g, priya);
  expect(pageErrors(page)).toEqual([]);
});

it('deletes a user after confirming; she is shown as removed and offered nothing more', async () => {
  await openPriya();
  await page.getByRole('button', { name: 'Remove' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove Priya Nair?' });
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await stepUpIfAsked(page, g, owner, page.getByTestId('member-status').getByText('Removed'));
  await dialog.waitFor({ state: 'hidden' });
  expect(await page.getByTestId('member-actions').getByRole('button').count()).toBe(0);
  expect(pageErrors(page)).toEqual([]);
});
