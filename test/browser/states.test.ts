import type { Page, Route } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { TestUser } from '../support/users.js';
import { expectAccessible, pageErrors, screenshot } from './support/browser.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInSession } from './support/use-signed-in-page.js';

// Loading, empty and error states on every account screen: a merchant never sees a blank
// page, a spinner that never ends, raw JSON or a stack trace.

const g = useGatehouse();
let owner: TestUser;

beforeAll(async () => {
  owner = await createPerson(g, { email: 'ana@monarx.example', name: 'Ana Reyes', account: { name: 'Monarx' } });
});
const session = useSignedInSession(g, () => owner);

const account = () => `/accounts/${owner.accountId}`;

it('a new account’s lists show their empty state with the main action', async () => {
  const page = await session.open();
  const screens: [string, string, string][] = [
    ['invitations', 'No pending invitations', 'Invite teammates'],
    ['contacts', 'No contacts yet', 'Add contact'],
    ['api-keys', 'No API keys yet', 'Create API key'],
    ['roles', 'No custom roles yet', 'New role'],
  ];
  for (const [path, title, action] of screens) {
    await page.goto(`${account()}/${path}`);
    const empty = page.getByRole('heading', { name: title });
    await empty.waitFor();
    const main = page.locator('main');
    const mainAction = main.getByRole('link', { name: action }).or(main.getByRole('button', { name: action }));
    expect(await mainAction.count(), `${path}: ${action}`).toBeGreaterThan(0);
    await expectAccessible(page, `${path}, empty`);
    await screenshot(page, `empty-${path}`);
  }
  expect(pageErrors(page)).toEqual([]);
});

/** Answers the requests `matches` picks with a problem+json, as a failing service would. */
async function failing(page: Page, matches: (url: URL) => boolean): Promise<() => Promise<void>> {
  const handler = (route: Route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        code: 'service.unavailable',
        detail: 'The database did not answer in time',
        requestId: 'req-states-test',
      }),
    });
  await page.route(matches, handler);
  return () => page.unroute(matches, handler);
}

const api = (path: RegExp) => (url: URL) => url.pathname.startsWith('/v1/') && path.test(url.pathname);

it('every account screen shows a failed load as the problem’s code and detail, never raw JSON, and tries again', async () => {
  const screens: [string, string, (url: URL) => boolean][] = [
    ['members', `${account()}/members`, api(/\/members$/)],
    ['member details', `${account()}/members/${owner.memberId}`, api(/\/members\/mem_[^/]+$/)],
    ['invitations', `${account()}/invitations`, api(/\/invitations$/)],
    ['invite', `${account()}/invite`, api(/\/profiles$/)],
    ['roles', `${account()}/roles`, api(/\/roles$/)],
    ['role editor', `${account()}/roles/new`, api(/^\/v1\/catalog$/)],
    ['contacts', `${account()}/contacts`, api(/\/contacts$/)],
    ['security log', `${account()}/security-log`, api(/\/security-events$/)],
    ['API keys', `${account()}/api-keys`, api(/\/api-keys$/)],
    ['your security', '/me/security', api(/^\/v1\/me\/sessions$/)],
  ];
  // Each screen retries a failed load twice (1 s, then 2 s apart) before it shows the
  // failure: the screens wait out their retries side by side, five at a time.
  const showsFailureThenRecovers = async ([name, path, matches]: (typeof screens)[number]) => {
    const page = await session.open();
    const recover = await failing(page, matches);
    await page.goto(path);
    const problem = page.locator('[data-problem-code="service.unavailable"]');
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text, name).toContain('The database did not answer in time');
    expect(text, name).toContain('service.unavailable');
    expect(await page.locator('body').innerText(), name).not.toMatch(/[{]"|"code":|at \w+ \(/);
    if (name === 'members') {
      await expectAccessible(page, 'members, failed');
      await screenshot(page, 'error-members');
    }
    await recover();
    await page.getByRole('button', { name: 'Try again' }).first().click();
    await problem.waitFor({ state: 'detached' });
    expect(pageErrors(page), name).toEqual([]);
    await page.context().close();
  };
  for (let first = 0; first < screens.length; first += 5) {
    await Promise.all(screens.slice(first, first + 5).map(showsFailureThenRecovers));
  }
});

it('shows a loading state while a screen’s data is on its way, then the data', async () => {
  const page = await session.open();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const matches = api(/\/members$/);
  await page.route(matches, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${account()}/members`);
  await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor();
  await screenshot(page, 'loading-members');
  release();
  await page.getByTestId('members-table').waitFor();
  expect(await page.getByRole('status').filter({ hasText: 'Loading…' }).count()).toBe(0);
  expect(pageErrors(page)).toEqual([]);
});

it('an invitation’s identity field error is shown beside that field', async () => {
  const page = await session.open();
  await page.goto(`${account()}/invite`);
  await page.getByLabel('Email addresses').fill('ben@monarx.example');
  await page.getByLabel('Phone').fill('12');
  await page.getByRole('textbox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'View only' }).click();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const phone = page.getByLabel('Phone');
  await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
  const message = await page
    .locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`)
    .innerText();
  expect(message).toMatch(/3/);
  await screenshot(page, 'invite-field-error');
  expect(pageErrors(page)).toEqual([]);
});
