import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardDist } from '../../../src/http/dashboard.js';
import { sessionCookieName } from '../../../src/sessions/http.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { signUpAndSignIn } from '../../support/users.js';

// index.html names what the page it opens will load first, so the browser fetches it beside the
// entry script instead of after it (bench:dashboard measures the effect; first-load.test.ts in
// the browser checks that every preloaded request is used).

interface ManifestChunk {
  file: string;
  imports?: string[];
}
const manifest = JSON.parse(readFileSync(join(dashboardDist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;
const fileOf = (source: string) => `/${manifest[source].file}`;

const modulePreloads = (html: string) =>
  [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((m) => m[1]);
const fetchPreloads = (html: string) =>
  [...html.matchAll(/<link rel="preload" as="fetch" crossorigin href="([^"]+)">/g)].map((m) =>
    m[1].replaceAll('&amp;', '&'),
  );

describe('index.html names the code and data of the page it opens', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    // Only the cookie's presence matters here: the page's own requests check the session.
    cookie = `${sessionCookieName(t.app.deps.config)}=anything`;
  });
  afterAll(() => t.close());

  const page = async (url: string, signedIn: boolean) => {
    const res = await t.app.inject({ method: 'GET', url, headers: signedIn ? { cookie } : {} });
    expect(res.statusCode, url).toBe(200);
    return res.body;
  };

  it('with a session: the signed-in frame and the URL’s screen, and the requests the screen makes first', async () => {
    const html = await page('/accounts/acc_x/members', true);
    expect(modulePreloads(html)).toEqual(
      expect.arrayContaining([fileOf('src/app/Shell.tsx'), fileOf('src/screens/members/MembersPage.tsx')]),
    );
    // Nothing the entry script already brings, nothing another screen needs alone.
    expect(modulePreloads(html)).not.toContain(fileOf('index.html'));
    expect(modulePreloads(html)).not.toContain(fileOf('src/screens/roles/RolesPage.tsx'));
    expect(fetchPreloads(html)).toEqual([
      '/v1/me',
      '/v1/accounts/acc_x/members?sort=name&limit=50',
      '/v1/accounts/acc_x/profiles',
    ]);
  });

  it('asks for the entry script and the page’s code before its data', async () => {
    // HTTP/1.1 gives a page six connections, taken in the order the page names its requests:
    // the entry script is the longest path to the first paint, so it must not wait for one
    // behind the API requests (which the page needs only once its code has run).
    const html = await page('/accounts/acc_x/members', true);
    const firstData = html.indexOf('<link rel="preload" as="fetch"');
    expect(firstData).toBeGreaterThan(0);
    expect(html.indexOf('<script type="module"')).toBeLessThan(firstData);
    expect(html.indexOf('<link rel="stylesheet"')).toBeLessThan(firstData);
    expect(html.lastIndexOf('<link rel="modulepreload"')).toBeLessThan(firstData);
  });

  it('inside an account where the session is an active member: that member’s permissions, and nothing for others', async () => {
    const ana = await signUpAndSignIn(t.app, { account: true });
    const bo = await signUpAndSignIn(t.app, { account: true });
    const inject = async (url: string, headers: Record<string, string>) =>
      fetchPreloads((await t.app.inject({ method: 'GET', url, headers })).body);
    const own = await inject(`/accounts/${ana.accountId}/members`, { cookie: ana.cookie });
    expect(own).toContain(`/v1/accounts/${ana.accountId}/members/${ana.memberId}/permissions`);
    expect(await inject(`/accounts/${ana.accountId}/roles`, { cookie: ana.cookie })).toEqual([
      '/v1/me',
      `/v1/accounts/${ana.accountId}/members/${ana.memberId}/permissions`,
    ]);
    // Another person's account: no member id of theirs, none of anyone's.
    const other = await inject(`/accounts/${ana.accountId}/members`, { cookie: bo.cookie });
    expect(
      other.some((url) => url.includes('/permissions')),
      other.join(' '),
    ).toBe(false);
    // A cookie that names no session: the page, without it.
    const forged = await inject(`/accounts/${ana.accountId}/members`, {
      cookie: `${cookie.split('=')[0]}=${'A'.repeat(43)}`,
    });
    expect(forged.some((url) => url.includes('/permissions'))).toBe(false);
    expect(forged).toContain('/v1/me');
  });

  it('follows the URL: another screen, the account home, one member, personal security', async () => {
    const roles = await page('/accounts/acc_x/roles', true);
    expect(modulePreloads(roles)).toContain(fileOf('src/screens/roles/RolesPage.tsx'));
    expect(modulePreloads(roles)).not.toContain(fileOf('src/screens/members/MembersPage.tsx'));
    expect(fetchPreloads(roles)).toEqual(['/v1/me']);
    expect(modulePreloads(await page('/accounts/acc_x', true))).toContain(
      fileOf('src/screens/overview/OverviewPage.tsx'),
    );
    expect(modulePreloads(await page('/', true))).toContain(fileOf('src/screens/overview/OverviewPage.tsx'));
    const oneMember = await page('/accounts/acc_x/members/mem_y', true);
    expect(modulePreloads(oneMember)).toContain(fileOf('src/screens/members/MembersPage.tsx'));
    expect(fetchPreloads(oneMember)).toEqual(['/v1/me']);
    expect(modulePreloads(await page('/me/security', true))).toContain(fileOf('src/me/SecurityPage.tsx'));
  });

  it('asks for the filtered list the URL names, in the order the dashboard asks for it', async () => {
    const html = await page('/accounts/acc_x/members?status=active&q=ana%20m%C3%BCller&sort=-createdAt&page=2', true);
    expect(fetchPreloads(html)).toContain(
      '/v1/accounts/acc_x/members?q=ana%20m%C3%BCller&status=active&sort=-createdAt&limit=50',
    );
  });

  it('without a session: nothing beyond index.html, and no API request', async () => {
    const plain = readFileSync(join(dashboardDist, 'index.html'), 'utf8');
    for (const url of ['/accounts/acc_x/members', '/', '/sign-in', '/invitations/accept']) {
      const html = await page(url, false);
      expect(html, url).toBe(plain);
      expect(fetchPreloads(html), url).toEqual([]);
    }
  });

  it('writes nothing from the URL into the page that could leave its attribute', async () => {
    for (const url of [
      '/accounts/acc_x/members?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E',
      '/accounts/%22%3E%3Cscript%3E/members',
      '/accounts/acc_x/members?status=%3Cimg%20src=x%3E',
    ]) {
      const html = await page(url, true);
      expect(html, url).not.toMatch(/<script>|<img/);
      for (const href of fetchPreloads(html)) expect(href, url).toMatch(/^\/v1\/[^"<>\s]+$/);
    }
  });

  it('reads no credential for the dashboard’s files and pages: a broken key header does not refuse them', async () => {
    const script = fileOf('index.html');
    for (const url of [script, '/accounts/acc_x/members', '/healthz']) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: { authorization: 'Bearer gh_mk_not-a-key', cookie },
      });
      expect(res.statusCode, url).toBe(200);
    }
    // The build's manifest is read by the server, not served.
    expect((await t.app.inject({ method: 'GET', url: '/.vite/manifest.json' })).statusCode).toBe(404);
    // The API still judges the header alone.
    const api = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: 'Bearer gh_mk_not-a-key' },
    });
    expect(api.statusCode).toBe(401);
  });
});
