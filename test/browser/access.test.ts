import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.js';
import { signUpAndSignIn, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'owner@wompi.example',
    name: 'Sofía Ortiz',
    account: { name: 'Wompi Colombia' },
  });
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
