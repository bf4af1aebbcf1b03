import type {} from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, openPage, pageErrors, screenshot } from './support/browser.js';
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
import { useSignedInPage } from './support/use-signed-in-page.js';

// The Juspay seed (User Management » Users): invite with a role, limited to some product and
// gateway reference IDs; a custom role created from inside the invite form; disable and enable
// a user; update a user's email; delete a user. Every step in the dashboard, as the admin would.

const g = useGatehouse();
let owner: TestUser;
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
});
const session = useSignedInPage(g, () => owner);

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
  await session.page.goto(`/accounts/${owner.accountId}`);
  await session.page.getByRole('link', { name: 'Team members' }).first().click();
  await session.page.getByRole('link', { name: 'Priya Nair', exact: true }).click();
  await session.page.getByRole('heading', { level: 1, name: 'Priya Nair' }).waitFor();
}

it('invites a user with a role, limited to one product and one gateway; she sets a password and 2FA and is in', async () => {
  await session.page.goto(`/accounts/${owner.accountId}`);
  await session.page.getByRole('link', { name: 'Team members' }).first().click();
  await session.page.getByRole('link', { name: 'Invite' }).first().click();
  await session.page.getByRole('heading', { name: 'Invite teammates' }).waitFor();
  await session.page.getByLabel('Email addresses').fill('priya@juspay.example');
  await session.page.getByRole('textbox', { name: 'Role' }).click();
  await session.page.getByRole('option', { name: 'Support' }).click();
  // "Advanced settings": only these product IDs and gateway reference IDs.
  await session.page.getByRole('textbox', { name: 'Limit to these Products' }).click();
  await session.page.getByRole('option', { name: 'Web checkout' }).click();
  await session.page.keyboard.press('Escape');
  await session.page.getByRole('textbox', { name: 'Limit to these Gateway references' }).click();
  await session.page.getByRole('option', { name: 'HDFC Bank' }).click();
  await session.page.keyboard.press('Escape');
  await expectAccessible(session.page, 'invite with resource limits');
  await screenshot(session.page, 'juspay-invite-limits', { fullPage: true });
  await session.page.getByRole('button', { name: 'Send invitation' }).click();
  await session.page.getByTestId('invite-sent').waitFor();

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
  await session.page.getByRole('link', { name: 'Team members' }).first().click();
  const row = session.page.getByTestId('member-row').filter({ hasText: 'Priya Nair' });
  await expect.poll(() => row.innerText()).toMatch(/priya@juspay\.example[\s\S]*Support[\s\S]*Active/i);
  await openPriya();
  const scopes = session.page.getByTestId('resource-scope');
  await scopes.filter({ hasText: 'Product' }).getByText('Web checkout').waitFor();
  await scopes.filter({ hasText: 'Gateway reference' }).getByText('HDFC Bank').waitFor();
  expect(await scopes.filter({ hasText: 'Product' }).getByText('Mobile app').count()).toBe(0);
  await screenshot(session.page, 'juspay-member-limits', { fullPage: true });
  expect(pageErrors(session.page)).toEqual([]);
  expect(pageErrors(hers)).toEqual([]);
});

it('creates a custom role from inside the invite form, without leaving it, and invites with it', async () => {
  await session.page.goto(`/accounts/${owner.accountId}/invite`);
  await session.page.getByLabel('Email addresses').fill('rahul@juspay.example');
  await session.page.getByLabel('Full name (optional)').fill('Rahul Iyer');
  await session.page.getByRole('button', { name: 'New custom role' }).click();
  const dialog = session.page.getByRole('dialog', { name: 'New custom role' });
  await dialog.getByLabel('Role name').fill('Gateway operations');
  await dialog.getByLabel('Gateways: View gateways', { exact: true }).check();
  await dialog.getByLabel('Gateways: Manage gateway settings', { exact: true }).check();
  await dialog.getByLabel('Payments: View all payments (all processed)', { exact: true }).check();
  await screenshot(session.page, 'juspay-invite-new-role');
  await dialog.getByRole('button', { name: 'Create and select' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // Still the same form, with what was typed, and the new role chosen.
  expect(await session.page.getByLabel('Email addresses').inputValue()).toBe('rahul@juspay.example');
  expect(await session.page.getByRole('textbox', { name: 'Role' }).inputValue()).toBe('Gateway operations');
  await session.page.getByRole('button', { name: 'Send invitation' }).click();
  await session.page.getByTestId('invite-sent').waitFor();
  await mailedLink(g, 'rahul@juspay.example', /invited/, '/invitations/accept#token=');

  // The pending invitation names the role, and the role is in the Roles list like any other.
  await session.page.getByRole('link', { name: 'Pending invitations' }).click();
  const invitation = session.page.getByTestId('invitation-row').filter({ hasText: 'rahul@juspay.example' });
  await expect.poll(() => invitation.innerText()).toContain('Gateway operations');
  await session.page.getByRole('link', { name: 'Roles' }).first().click();
  await session.page.getByTestId('role-Gateway operations').waitFor();
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
  expect(pageErrors(session.page)).toEqual([]);
});

it('disables a user, who can then no longer sign in to the account, and enables her again', async () => {
  await openPriya();
  // The first sensitive action after a while asks for a fresh code, once.
  await expireStepUp(g, owner.userId);
  await session.page.getByRole('button', { name: 'Deactivate' }).click();
  const confirm = session.page.getByRole('dialog', { name: 'Deactivate Priya Nair?' });
  await expectAccessible(session.page, 'deactivate confirmation');
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await answerStepUp(session.page, g, owner);
  await confirm.waitFor({ state: 'hidden' });
  await expect.poll(() => session.page.getByTestId('member-status').textContent()).toBe('Deactivated');
  await screenshot(session.page, 'juspay-member-disabled', { fullPage: true });

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

  await session.page.getByRole('button', { name: 'Reactivate' }).click();
  const again = session.page.getByRole('dialog', { name: 'Reactivate Priya Nair?' });
  await again.getByRole('button', { name: 'Reactivate' }).click();
  await stepUpIfAsked(session.page, g, owner, session.page.getByTestId('member-status').getByText('Active'));
  await again.waitFor({ state: 'hidden' });
  expect(await session.page.getByTestId('member-actions').getByRole('button', { name: 'Deactivate' }).count()).toBe(1);

  // Enabled: she signs in and works in the account again.
  const back = await openPage(g);
  await signInAs(back, g, priya);
  await back.getByRole('heading', { name: 'Juspay Retail' }).waitFor();
  expect(pageErrors(session.page)).toEqual([]);
});

it('updates a user’s email: the link mailed to the new address confirms it, and the new email is shown', async () => {
  await openPriya();
  await session.page.getByRole('button', { name: 'Change email' }).click();
  const dialog = session.page.getByRole('dialog', { name: 'Change email' });
  await dialog.getByLabel('New email').fill('priya.nair@juspay.example');
  await screenshot(session.page, 'juspay-update-email');
  await dialog.getByRole('button', { name: 'Send confirmation link' }).click();
  // Not "Saved": nothing changes until the new address confirms.
  await stepUpIfAsked(
    session.page,
    g,
    owner,
    session.page.getByText('A confirmation link is on its way to priya.nair@juspay.example.', { exact: false }),
  );
  await session.page.getByText('priya@juspay.example', { exact: true }).first().waitFor();
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
  await session.page.getByRole('link', { name: 'All team members' }).click();
  const row = session.page.getByTestId('member-row').filter({ hasText: 'Priya Nair' });
  await expect.poll(() => row.innerText()).toContain('priya.nair@juspay.example');
  await openPriya();
  await session.page.getByText('priya.nair@juspay.example', { exact: true }).waitFor();
  await screenshot(session.page, 'juspay-email-updated', { fullPage: true });

  // And she signs in with it.
  priya = { ...priya, email: 'priya.nair@juspay.example' };
  const next = await openPage(g);
  await signInAs(next, g, priya);
  expect(pageErrors(session.page)).toEqual([]);
});

it('deletes a user after confirming; she is shown as removed and offered nothing more', async () => {
  await openPriya();
  await session.page.getByRole('button', { name: 'Remove' }).click();
  const dialog = session.page.getByRole('dialog', { name: 'Remove Priya Nair?' });
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await stepUpIfAsked(session.page, g, owner, session.page.getByTestId('member-status').getByText('Removed'));
  await dialog.waitFor({ state: 'hidden' });
  expect(await session.page.getByTestId('member-actions').getByRole('button').count()).toBe(0);
  expect(pageErrors(session.page)).toEqual([]);
});
