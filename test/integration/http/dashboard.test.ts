import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { dashboardDist } from '../../../src/http/dashboard.js';
import { createTestApp, type TestApp } from '../../support/app.js';

// The dashboard shares the service's origin: pages get index.html, the API keeps its answers.
describe('the dashboard on the service origin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the app at / and at every page a mail links to (history routing)', async () => {
    for (const url of [
      '/',
      '/sign-in',
      '/invitations/accept',
      '/password-reset',
      '/email-change',
      '/me/security',
      '/accounts/acc_x/members?status=active',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toContain('<div id="root"></div>');
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
    }
  });

  it('keeps the API paths: unknown /v1 routes, /healthz, /openapi.json, /docs', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: { accept: 'text/html' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().code).toBe('request.not_found');
    const wrongMethod = await t.app.inject({ method: 'POST', url: '/sign-in' });
    expect(wrongMethod.statusCode).toBe(404);
    expect(wrongMethod.json().code).toBe('request.not_found');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['content-type']).toContain(
      'application/json',
    );
    expect((await t.app.inject({ method: 'GET', url: '/openapi.json' })).json().openapi).toBe('3.1.0');
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('serves hashed assets for a year, and a missing asset is a 404, not the page', async () => {
    const script = readdirSync(join(dashboardDist, 'assets')).find((name) => name.endsWith('.js'))!;
    const asset = await t.app.inject({ method: 'GET', url: `/assets/${script}` });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.app.inject({ method: 'GET', url: '/assets/gone-0000.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    // The page itself is never cached: a new deploy's asset names must reach the browser.
    expect((await t.app.inject({ method: 'GET', url: '/' })).headers['cache-control']).toBe('no-store');
  });

  it('sends scripts and stylesheets compressed as the browser asks, the same bytes once decoded', async () => {
    const entry = readFileSync(join(dashboardDist, 'index.html'), 'utf8');
    const script = /src="\/assets\/([^"]+\.js)"/.exec(entry)![1];
    const style = /href="\/assets\/([^"]+\.css)"/.exec(entry)![1];
    for (const name of [script, style]) {
      const plain = readFileSync(join(dashboardDist, 'assets', name));
      const url = `/assets/${name}`;
      const br = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(br.headers['content-encoding'], name).toBe('br');
      expect(br.headers['content-type'], name).toMatch(name.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(br.headers['vary'], name).toContain('accept-encoding');
      expect(br.headers['cache-control'], name).toBe('public, max-age=31536000, immutable');
      expect(br.rawPayload.length, name).toBeLessThan(plain.length / 2);
      expect(brotliDecompressSync(br.rawPayload).equals(plain), name).toBe(true);
      const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate' } });
      expect(gz.headers['content-encoding'], name).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(plain), name).toBe(true);
      const identity = await t.app.inject({ method: 'GET', url });
      expect(identity.headers['content-encoding'], name).toBeUndefined();
      expect(identity.rawPayload.equals(plain), name).toBe(true);
    }
    // The compressed copies are not pages of their own.
    expect((await t.app.inject({ method: 'GET', url: `/assets/${script}.gz` })).statusCode).toBe(404);
  });

  it('ships its libraries’ production builds, never their development ones', () => {
    // React Router's package names only its development build (see dashboard/vite.config.ts);
    // the source maps say which files each script was built from.
    const maps = readdirSync(join(dashboardDist, 'assets')).filter((name) => name.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const sources = maps.flatMap(
      (name) =>
        (JSON.parse(readFileSync(join(dashboardDist, 'assets', name), 'utf8')) as { sources: string[] }).sources,
    );
    expect(sources.filter((source) => /node_modules\/react-router\//.test(source)).length).toBeGreaterThan(0);
    expect(sources.filter((source) => /\/dist\/development\/|\.development\.js$/.test(source))).toEqual([]);
  });
});
