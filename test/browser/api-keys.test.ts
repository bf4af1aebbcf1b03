import { beforeAll, expect, it } from 'vitest';
import { signUpAndSignIn, stepUp, type TestSession, type TestUser } from '../support/users.js';
import { expectAccessible, openPage, screenshot, signInThroughPage } from './support/browser.js';
import { codeFor, createPerson, expireStepUp } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';

let owner: TestUser & TestSession;

const g = useGatehouse();

beforeAll(async () => {
  owner = await signUpAndSignIn(g.app, {
    email: 'owner@billpro.example',
    name: 'Rosa Lim',
    account: { name: 'BillPro' },
  });
});

it('a developer with API access creates a key behind the step-up prompt, it works on the API, and once revoked it stops', async () => {
  const dev = await createPerson(g, {
    email: 'dev@billpro.example',
    name: 'Dev Diaz',
    accountId: owner.accountId,
    builtinRole: 'developer',
  });
  owner = await stepUp(g.app, owner);
  const flagged = await g.app.inject({
    method: 'PATCH',
    url: `/v1/accounts/${owner.accountId}/members/${dev.memberId}`,
    headers: owner.headers,
    payload: { flags: { apiAccess: true }, confirm: true },
  });
  expect(flagged.statusCode, flagged.body).toBe(200);

  const page = await openPage(g);
  await signInThroughPage(page, g, dev);
  await page.getByRole('link', { name: 'API keys' }).first().click();
  await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
  await expectAccessible(page, 'API keys (empty)');
  await screenshot(page, 'api-keys-empty');

  await expireStepUp(g, dev.userId);
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel(/^Name/).fill('Billing server');
  await page.getByRole('button', { name: 'Create key' }).click();
  // The shared prompt asks for a code, then the creation continues without retyping.
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
  await page.getByLabel('Authentication code').fill(await codeFor(g, dev));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  const secret = page.getByTestId('api-key-secret');
  await secret.waitFor();
  const key = (await secret.innerText()).trim();
  expect(key.length).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Copy' }).waitFor();
  await expectAccessible(page, 'API key created (dialog)');
  await screenshot(page, 'api-key-created');

  const check = () =>
    g.app.inject({
      method: 'POST',
      url: '/v1/authz/check',
      headers: { authorization: `Bearer ${key}` },
      payload: { accountId: owner.accountId, subject: { memberId: dev.memberId }, permission: 'payments.view' },
    });
  const allowed = await check();
  expect(allowed.statusCode, allowed.body).toBe(200);
  expect(allowed.json<{ allowed: boolean }>().allowed).toBe(true);

  await page.getByRole('button', { name: 'I have copied it' }).click();
  const row = page.getByTestId('api-key-Billing server');
  await row.getByText('Active').waitFor();
  // The secret is not shown again.
  expect(await page.getByText(key).count()).toBe(0);
  await expectAccessible(page, 'API keys list');
  await screenshot(page, 'api-keys-list');

  await page.getByRole('button', { name: 'Revoke Billing server' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await row.getByText('Revoked').waitFor();
  const refused = await check();
  expect(refused.statusCode).toBe(401);
  expect(refused.json<{ code: string }>().code).toBe('auth.api_key_revoked');
  await page.close();
});
