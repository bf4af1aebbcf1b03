import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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
});
