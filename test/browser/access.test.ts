import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.js';
import { signUpAndSignIn, stepUp, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { signInAs, stepUpIfAsked } from './support/journey.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;
let teamViewerRoleId: string;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'owner@wompi.example',
    name: 'Sofía Ortiz',
    account: { name: 'Wompi Colombia' },
  });
  // A role that may see the team, but not invite nor manage roles.
  const viewer = await g.app.inject({
    method: 'POST',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: owner.headers,
    payload: { name: 'Team viewer', permissions: [{ permission: 'dashboard.view' }, { permission: 'users.view' }] },
  });
  expect(viewer.statusCode, viewer.body).toBe(201);
  teamViewerRoleId = viewer.json<{ id: string }>().id;
});

async function deactivate(memberId: string): Promise<void> {
  const res = await g.app.inject({
    method: 'POST',
    url: `/v1/accounts/${owner.accountId}/members/${memberId}/deactivate`,
    headers: owner.headers,
    payload: { confirm: true },
  });
  expect(res.statusCode, res.body).toBe(200);
}

it('a member deactivated while their page is open is signed out and told so, without reloading', async () => {
  // Tomás is a view-only member of Wompi and of nothing else.
  const joined = await createPerson(g, {
    email: 'tomas-at-wompi@example.com',
    name: 'Tomás Ruiz',
    accountId: owner.accountId,
  });
  const page = await openPage(g);
  await signInThroughPage(page, g, joined);
  await page.getByRole('heading', { name: 'Wompi Colombia' }).waitFor();

  await deactivate(joined.memberId!);
  // Signed out everywhere: this was the person's only active membership.
  await page.waitForURL(/\/sign-in/, { timeout: 60_000 });
  await page.getByText('Your session has ended').waitFor();
  await screenshot(page, 'session-ended');
});

it('a person in two accounts who is deactivated in one gets a clear page there and can switch to the other', async () => {
  const person = await createPerson(g, {
    email: 'lucia@example.com',
    name: 'Lucía Pardo',
    account: { name: 'Lucía Studio' },
  });
  // Also a member of Wompi, through the same user.
  const memberId = newId('mem');
  await sql`insert into members (account_id, id, user_id, status, is_owner, builtin_role, activated_at)
            values (${owner.accountId}, ${memberId}, ${person.userId}, 'active', false, 'view_only', now())`.execute(
    g.app.deps.database.db,
  );
  g.app.deps.access.cache.invalidate([{ kind: 'user', id: person.userId }]);

  const page = await openPage(g);
  await signInThroughPage(page, g, person);
  await page.goto(`/accounts/${owner.accountId}`);
  await page.getByRole('heading', { name: 'Wompi Colombia' }).waitFor();

  await deactivate(memberId);
  // The permissions poll notices within seconds; no reload.
  await page.getByRole('heading', { name: 'You no longer have access to this account' }).waitFor({ timeout: 60_000 });
  await expectAccessible(page, 'access lost');
  await screenshot(page, 'access-lost');
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await page.getByRole('heading', { name: 'Lucía Studio' }).waitFor();
});

it('an admin changes a teammate’s role while the teammate’s page is open: the teammate loses the action without reloading', async () => {
  const camila = await createPerson(g, {
    email: 'camila@wompi.example',
    name: 'Camila Rojas',
    accountId: owner.accountId,
    builtinRole: 'administrator',
  });

  // Camila works in the team list: the Invite action and the Roles entry are hers.
  const hers = await openPage(g);
  await signInAs(hers, g, camila);
  await hers.getByRole('link', { name: 'Team members' }).first().click();
  const invite = hers.getByRole('link', { name: 'Invite' });
  const rolesEntry = hers.getByRole('navigation').getByRole('link', { name: 'Roles' });
  await invite.waitFor();
  await rolesEntry.waitFor();
  // Survives only if the page is never reloaded.
  await hers.evaluate(() => ((globalThis as Record<string, unknown>).sameDocument = true));

  // The owner, in another browser, makes her a Team viewer through the role change dialog.
  const admin = await openPage(g);
  await signInAs(admin, g, owner);
  await admin.goto(`/accounts/${owner.accountId}/members`);
  await admin.getByRole('link', { name: 'Camila Rojas', exact: true }).click();
  await admin.getByRole('button', { name: 'Change role' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Change the role of Camila Rojas' });
  await dialog.getByRole('textbox', { name: 'New role' }).click();
  await admin.getByRole('option', { name: 'Team viewer' }).click();
  await dialog.getByTestId('role-preview').waitFor();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await stepUpIfAsked(admin, g, owner, admin.getByText('Role: Team viewer'));

  // Camila's open page follows by itself: the list stays, the actions she lost go.
  await invite.waitFor({ state: 'detached' });
  await rolesEntry.waitFor({ state: 'detached' });
  await hers.getByTestId('members-table').waitFor();
  expect(await hers.evaluate(() => (globalThis as Record<string, unknown>).sameDocument)).toBe(true);
  await screenshot(hers, 'live-role-change-invite-gone');
});

it('a teammate whose role was narrowed learns it from their very next action, without waiting for the poll', async () => {
  const andres = await createPerson(g, {
    email: 'andres@wompi.example',
    name: 'Andrés Gil',
    accountId: owner.accountId,
    builtinRole: 'administrator',
  });
  const his = await openPage(g);
  await signInAs(his, g, andres);
  await his.goto(`/accounts/${owner.accountId}/invite`);
  await his.getByLabel('Email addresses').fill('new.hire@wompi.example');
  await his.getByRole('textbox', { name: 'Role' }).click();
  await his.getByRole('option', { name: 'View only' }).click();
  // Hold the permissions poll, as a background tab does (TanStack Query polls only visible pages),
  // so that only the refused action itself can tell the page.
  await his.evaluate(() => {
    const page = globalThis as unknown as { document: object; sameDocument: boolean };
    Object.defineProperty(page.document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    page.sameDocument = true;
  });

  owner = await stepUp(g.app, owner);
  const demoted = await g.app.inject({
    method: 'PATCH',
    url: `/v1/accounts/${owner.accountId}/members/${andres.memberId}`,
    headers: owner.headers,
    payload: { roleId: teamViewerRoleId, confirm: true },
  });
  expect(demoted.statusCode, demoted.body).toBe(200);

  await his.getByRole('button', { name: 'Send invitation' }).click();
  await his.getByRole('heading', { name: 'You do not have access to this page' }).waitFor();
  await his.getByRole('navigation').getByRole('link', { name: 'Roles' }).waitFor({ state: 'detached' });
  expect(await his.evaluate(() => (globalThis as Record<string, unknown>).sameDocument)).toBe(true);
  await expectAccessible(his, 'access denied after a refused action');
  await screenshot(his, 'live-refused-action');
});
