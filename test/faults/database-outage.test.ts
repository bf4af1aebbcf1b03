import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { sessionCookieName } from '../../src/sessions/http.js';
import { testConfig } from '../support/app.js';
import { addMember, createAccount, platformHeaders } from '../support/fixtures.js';
import { type PgCluster, startPgCluster } from '../support/pg-cluster.js';
import { waitFor } from '../support/wait.js';

/**
 * Two instances of the service (A and B) on one throw-away PostgreSQL cluster, which the
 * tests stop, restart and cut connections of, as an operator's upgrade or a failover would.
 */
let cluster: PgCluster;
let a: App;
let b: App;
let accountId: string;
const bLog: string[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('gatehouse');
  const config = testConfig({ DATABASE_URL: url, LOG_LEVEL: 'info' });
  a = await buildApp(config, { logStream: { write: () => {} } });
  b = await buildApp(config, { logStream: { write: (line) => void bLog.push(line) } });
  ({ accountId } = await createAccount(a, 'Acme'));
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await cluster?.drop();
});

const check = async (app: App, memberId: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/authz/check',
    headers: platformHeaders,
    payload: { accountId, subject: { memberId }, permission: 'payments.view' },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ allowed: boolean; reason: string }>();
};
const setStatus = async (app: App, memberId: string, action: 'deactivate' | 'reactivate') => {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/accounts/${accountId}/members/${memberId}/${action}`,
    headers: platformHeaders,
    payload: { confirm: true },
  });
  expect(res.statusCode, res.body).toBe(200);
};
const ready = async (app: App) => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200;
/** Both instances' change-feed connections, as PostgreSQL sees them (how writers count instances). */
const listeners = async () =>
  (
    await cluster.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where query = 'LISTEN "gatehouse_access"'`,
      'gatehouse',
    )
  )[0].n;
const logged = (message: string) => bLog.some((line) => line.includes(message));

describe('a PostgreSQL outage', () => {
  it('answers 503 problem+json with Retry-After while the database is down, and recovers by itself when it is back', async () => {
    const members = `/v1/accounts/${accountId}/members`;
    expect((await a.inject({ method: 'GET', url: members, headers: platformHeaders })).statusCode).toBe(200);

    await cluster.stop();
    try {
      // The dashboard's page still loads (its screens then show the outage), though the
      // signed-in member it would name cannot be looked up.
      const page = await a.inject({
        method: 'GET',
        url: `/accounts/${accountId}/members`,
        headers: { cookie: `${sessionCookieName(a.deps.config)}=${'A'.repeat(43)}` },
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<div id="root"></div>');
      expect(page.body).not.toContain('/permissions');
      const res = await a.inject({ method: 'GET', url: members, headers: platformHeaders });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json()).toMatchObject({ code: 'service.unavailable', status: 503 });
      // A write too, which fails on BEGIN rather than on a read.
      const write = await a.inject({
        method: 'POST',
        url: `/v1/accounts/${accountId}/roles`,
        headers: platformHeaders,
        payload: { name: 'During the outage', permissions: [] },
      });
      expect(write.statusCode).toBe(503);
      expect(write.headers['retry-after']).toMatch(/^\d+$/);
      // /readyz says what is not ready, the change feed included.
      const readiness = await waitFor('/readyz to report the change feed down', async () => {
        const r = await b.inject({ method: 'GET', url: '/readyz' });
        return r.statusCode === 503 && /change feed/.test(r.json().detail as string) && r;
      });
      expect(readiness.json()).toMatchObject({ code: 'service.unavailable' });
      expect(readiness.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await cluster.start();
    }

    // Nothing restarts the service: the pool reconnects on the next query.
    await waitFor(
      'the members list to answer again',
      async () => (await a.inject({ method: 'GET', url: members, headers: platformHeaders })).statusCode === 200,
    );
    const role = await a.inject({
      method: 'POST',
      url: `/v1/accounts/${accountId}/roles`,
      headers: platformHeaders,
      payload: { name: 'After the outage', permissions: [] },
    });
    expect(role.statusCode).toBe(201);
  });
});

describe('the change feed (cross-instance invalidation) across PostgreSQL faults', () => {
  it('is reopened after a restart; /readyz says ready only once it is, and a deactivation made through A is refused at once on B', async () => {
    const member = await addMember(a, accountId);
    // Compiled and cached on both instances.
    expect(await check(b, member.memberId)).toMatchObject({ allowed: true });
    expect(await check(a, member.memberId)).toMatchObject({ allowed: true });

    await cluster.restart();
    await waitFor('both instances to be ready again', async () => (await ready(a)) && (await ready(b)));
    // Ready means listening again: both instances' LISTEN connections are back (a writer
    // counts instances by them and waits for each one's acknowledgement).
    expect(await listeners()).toBe(2);

    await setStatus(a, member.memberId, 'deactivate');
    expect(await check(b, member.memberId)).toEqual({ allowed: false, reason: 'member_not_active' });
    // And the other way round, now that B caches again.
    await setStatus(b, member.memberId, 'reactivate');
    expect(await check(a, member.memberId)).toMatchObject({ allowed: true });
    expect(await check(b, member.memberId)).toMatchObject({ allowed: true });
  });

  it('while the feed is down (its connections cut, the database up) decides from fresh data, then resumes caching', async () => {
    await waitFor('both feeds to listen', async () => (await listeners()) === 2);
    const member = await addMember(a, accountId);
    expect(await check(b, member.memberId)).toMatchObject({ allowed: true });
    bLog.length = 0;

    expect(await cluster.killConnections(`query like 'LISTEN %'`)).toBeGreaterThanOrEqual(2);
    await waitFor('B to notice the feed is lost', () => logged('change feed lost'), { timeoutMs: 10_000 });

    // A change B cannot hear about right now (or, if B is already back, one it hears of).
    await setStatus(a, member.memberId, 'deactivate');
    expect(await check(b, member.memberId)).toEqual({ allowed: false, reason: 'member_not_active' });

    await waitFor('B to be back on the feed', () => logged('change feed back'), { timeoutMs: 30_000 });
    await waitFor('both feeds to listen again', async () => (await listeners()) === 2);
    expect(await ready(b)).toBe(true);
    await setStatus(a, member.memberId, 'reactivate');
    expect(await check(b, member.memberId)).toMatchObject({ allowed: true });
    await setStatus(a, member.memberId, 'deactivate');
    expect(await check(b, member.memberId)).toEqual({ allowed: false, reason: 'member_not_active' });
  });

  it('while the feed is down holds no registered resources: a resource moved meanwhile is decided on fresh data', async () => {
    await waitFor('both feeds to listen', async () => (await listeners()) === 2);
    const profile = async (name: string) =>
      (
        await a.inject({
          method: 'POST',
          url: `/v1/accounts/${accountId}/profiles`,
          headers: platformHeaders,
          payload: { name },
        })
      ).json<{ id: string }>().id;
    const [storeA, storeB] = [await profile('Feed store A'), await profile('Feed store B')];
    const member = await addMember(a, accountId, { builtinRole: 'administrator', profileIds: [storeA] });
    const move = async (profileId: string) => {
      const res = await a.inject({
        method: 'PUT',
        url: `/v1/accounts/${accountId}/resources/product/feed-p`,
        headers: platformHeaders,
        payload: { name: 'Feed product', profileId },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
    };
    const ask = async () =>
      (
        await b.inject({
          method: 'POST',
          url: '/v1/authz/check',
          headers: platformHeaders,
          payload: {
            accountId,
            subject: { memberId: member.memberId },
            permission: 'products.view',
            resource: { type: 'product', id: 'feed-p' },
          },
        })
      ).json<{ reason: string }>().reason;
    await move(storeA);
    expect(await ask()).toBe('granted');
    expect(b.deps.access.resources.size).toBeGreaterThan(0);
    bLog.length = 0;

    expect(await cluster.killConnections(`query like 'LISTEN %'`)).toBeGreaterThanOrEqual(2);
    await waitFor('B to notice the feed is lost', () => logged('change feed lost'), { timeoutMs: 10_000 });
    // Dropped on loss (and, if the feed is already back, dropped again on its return).
    expect(b.deps.access.resources.size).toBe(0);
    await move(storeB);
    expect(await ask()).toBe('profile_out_of_scope');

    await waitFor('B to be back on the feed', () => logged('change feed back'), { timeoutMs: 30_000 });
    await waitFor('both feeds to listen again', async () => (await listeners()) === 2);
    await move(storeA);
    expect(await ask()).toBe('granted');
    await move(storeB);
    expect(await ask()).toBe('profile_out_of_scope');
  });
});
