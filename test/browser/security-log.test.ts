import { beforeAll, expect, it } from 'vitest';
import { signUpAndSignIn, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, screenshot, signInThroughPage } from './support/browser.js';
import { createPerson, invite } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'ana@paymongo.example',
    name: 'Ana Reyes',
    account: { name: 'PayMongo Shop' },
  });
});

it('the security log lists earlier changes newest first, filters by action and by person, and links a CSV export', async () => {
  await invite(g, owner, 'ben@paymongo.example', 'builtin:view_only', { name: 'Ben Cruz' });
  const role = await g.app.inject({
    method: 'POST',
    url: `/v1/accounts/${owner.accountId}/roles`,
    headers: owner.headers,
    payload: { name: 'Refund desk', permissions: [{ permission: 'refunds.view' }] },
  });
  expect(role.statusCode).toBe(201);
  const other = await createPerson(g, {
    email: 'carla@paymongo.example',
    name: 'Carla Diaz',
    accountId: owner.accountId,
    builtinRole: 'administrator',
  });

  const page = await openPage(g);
  await signInThroughPage(page, g, owner);
  await page.getByRole('link', { name: 'Security log' }).first().click();
  const table = page.getByTestId('security-events');
  await table.getByText('invitation.created').waitFor();
  await table.getByText('role.created').waitFor();
  // Newest first: the role was created after the invitation.
  const actions = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
  expect(actions.findIndex((a) => a.includes('role.created'))).toBeLessThan(
    actions.findIndex((a) => a.includes('invitation.created')),
  );
  await expectAccessible(page, 'security log');
  await screenshot(page, 'security-log');

  await page.getByRole('textbox', { name: 'Action' }).click();
  await page.getByRole('option', { name: 'Roles' }).click();
  await expect
    .poll(async () =>
      (await table.locator('tbody tr td:nth-child(3)').allInnerTexts()).every((a) => a.startsWith('role.')),
    )
    .toBe(true);
  expect(await table.getByText('invitation.created').count()).toBe(0);
  const exportHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(new URL(exportHref!, g.url).searchParams.get('action')).toBe('role.*');
  const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), exportHref);
  expect(csv).toContain('role.created');
  expect(csv).not.toContain('invitation.created');
  await screenshot(page, 'security-log-filtered');

  // By person, chosen by name: another administrator did nothing yet, so nothing matches.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('textbox', { name: 'Person' }).fill('Carla');
  await page.getByRole('option', { name: 'Carla Diaz' }).click();
  await page.getByRole('heading', { name: 'No matching events' }).waitFor();
  await page.getByRole('textbox', { name: 'Person' }).fill('Ana');
  await page.getByRole('option', { name: 'Ana Reyes' }).click();
  await table.getByText('role.created').waitFor();
  expect(other.memberId).toBeDefined();
  await page.close();
});
