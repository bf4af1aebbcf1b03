import { beforeAll, expect, it } from 'vitest';
import { addMember } from '../support/fixtures.js';
import type { TestUser } from '../support/users.js';
import { createPerson } from './support/gatehouse.js';
import { useGatehouse } from './support/use-gatehouse.js';
import { useSignedInPage } from './support/use-signed-in-page.js';

// A members page opened from a link or a reload: index.html starts its first API requests
// (src/http/dashboard-preload.ts) and the app must take those answers, not ask again. A URL
// the server builds differently from the app's is asked twice, and this fails.

const g = useGatehouse();
let owner: TestUser;
beforeAll(async () => {
  owner = await createPerson(g, {
    email: 'ines@firstload.example',
    name: 'Inés Owner',
    account: { name: 'First Load' },
  });
  await addMember(g.app, owner.accountId!, { email: 'teo@firstload.example' });
});
const session = useSignedInPage(g, () => owner);

async function apiRequestsOfFirstLoad(path: string): Promise<string[]> {
  const page = session.page;
  const requests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/v1/')) requests.push(url.pathname + url.search);
  });
  await page.goto(path);
  await page.getByTestId('member-row').first().waitFor();
  // Long enough for a duplicate to be sent, shorter than the permissions poll (5 s).
  await page.waitForTimeout(1_000);
  return requests;
}

const timesAsked = (requests: string[], url: string) => requests.filter((request) => request === url).length;

it('asks for who you are, your permissions, the first page and the profiles once each', async () => {
  const requests = await apiRequestsOfFirstLoad(`/accounts/${owner.accountId}/members`);
  const list = `/v1/accounts/${owner.accountId}/members?sort=name&limit=50`;
  expect(requests).toContain(list);
  const permissions = `/v1/accounts/${owner.accountId}/members/${owner.memberId}/permissions`;
  for (const url of ['/v1/me', permissions, list, `/v1/accounts/${owner.accountId}/profiles`])
    expect(timesAsked(requests, url), `${url} in ${requests.join(', ')}`).toBe(1);
});

it('a filtered list: the filters the URL names, asked once', async () => {
  const requests = await apiRequestsOfFirstLoad(`/accounts/${owner.accountId}/members?status=active&q=in%C3%A9s%20o`);
  const list = `/v1/accounts/${owner.accountId}/members?q=in%C3%A9s%20o&status=active&sort=name&limit=50`;
  expect(timesAsked(requests, list), requests.join(', ')).toBe(1);
  expect(await session.page.getByTestId('member-row').count()).toBe(1);
});

it('never listens for storage events, which load a fresh page’s storage before its first paint; remembers the account after', async () => {
  const page = session.page;
  // Runs before the page's scripts: records each use of localStorage, and whether the rows
  // were on screen then. (A first listener for the storage event made Chromium load the
  // storage at once: bench/README.md.)
  await page.addInitScript(`
    const seen = (window.storageTouches = []);
    const rowsShown = () => document.querySelector('[data-testid="member-row"]') !== null;
    for (const name of ['getItem', 'setItem', 'removeItem']) {
      const original = Storage.prototype[name];
      Storage.prototype[name] = function (...args) {
        seen.push(name + (rowsShown() ? '' : ' before the rows'));
        return original.apply(this, args);
      };
    }
    const addListener = window.addEventListener;
    window.addEventListener = function (type, ...rest) {
      if (type === 'storage') seen.push('storage listener' + (rowsShown() ? '' : ' before the rows'));
      return addListener.call(this, type, ...rest);
    };
  `);
  await page.goto(`/accounts/${owner.accountId}/members`);
  await page.getByTestId('member-row').first().waitFor();
  // The account switcher remembers this account once the page is idle. Polled from the test:
  // waitForFunction evaluates a string in the page, which its CSP (no unsafe-eval) refuses
  // whenever the first look comes back false.
  await expect.poll(() => page.evaluate<number>('window.storageTouches.length')).toBeGreaterThan(0);
  const touches = await page.evaluate<string[]>('window.storageTouches');
  expect(touches.filter((touch) => touch.startsWith('storage listener'))).toEqual([]);
  expect(touches.filter((touch) => touch.startsWith('setItem'))).toHaveLength(1);
});
