import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, startPgCluster } from '../support/pg-cluster.js';
import { testPlatformToken } from '../support/app.js';
import { cli } from '../support/process.js';
import { waitFor } from '../support/wait.js';

/**
 * `gatehouse serve` as a real process on a throw-away PostgreSQL cluster: whatever PostgreSQL
 * does to its connections, the process must stay up and answer again by itself.
 */
let cluster: PgCluster;
let server: ChildProcess;
let baseUrl: string;
let output = '';
let exit: { code: number | null; signal: string | null } | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-faults-'));
const auth = { authorization: `Bearer ${testPlatformToken}`, 'content-type': 'application/json' };

beforeAll(async () => {
  cluster = await startPgCluster();
  const databaseUrl = await cluster.createDatabase('gatehouse');
  server = spawn(process.execPath, [...cli, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PLATFORM_TOKEN: testPlatformToken,
      SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Read everything it writes (a full pipe would stall it), keeping the tail for failures.
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  server.stdout!.on('data', keep);
  server.stderr!.on('data', keep);
  server.on('exit', (code, signal) => void (exit = { code, signal }));
  const url = await waitFor(
    'the server to listen',
    () => exit === undefined && /Gatehouse listening on (http:\/\/\S+?)"/.exec(output)?.[1],
    { timeoutMs: 90_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  baseUrl = url;
});

afterAll(async () => {
  if (server && exit === undefined) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await cluster?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function request(method: string, path: string, body?: unknown) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: auth,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

let roleNumber = 0;
const createRole = (accountId: string) =>
  request('POST', `/v1/accounts/${accountId}/roles`, { name: `Role ${++roleNumber}`, permissions: [] });

function expectAlive() {
  expect(exit, `the server exited:\n${output}`).toBeUndefined();
}

describe('the server process when PostgreSQL drops its connections', () => {
  let accountId: string;
  beforeAll(async () => {
    const created = await request('POST', '/v1/accounts', { name: 'Acme', ownerEmail: 'owner@example.com' });
    expect(created.status).toBe(201);
    accountId = (created.body.account as { id: string }).id;
  });

  it('stays up when connections in the middle of transactions are cut, answers 503, then serves again', async () => {
    // Hold the roles table so that every role creation waits inside its transaction, its
    // pooled client checked out: exactly the clients a dropped connection used to crash on.
    const locker = new pg.Client({ connectionString: cluster.url('gatehouse') });
    locker.on('error', () => {});
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table roles in access exclusive mode');
    const pending = Array.from({ length: 6 }, () =>
      createRole(accountId).catch((error: Error) => ({ status: 0, error })),
    );
    await waitFor('the role creations to wait on the lock', async () => {
      const [row] = await cluster.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = 'gatehouse'`,
      );
      return row.n >= 6;
    });

    expect(await cluster.killConnections(`datname = 'gatehouse'`)).toBeGreaterThanOrEqual(6);
    const answers = await Promise.all(pending);
    await locker.end().catch(() => {});
    expectAlive();
    for (const answer of answers) {
      // 0: the connection dropped, the process having died.
      expect(answer.status, `server output:\n${output.slice(-3000)}`).toBe(503);
      expect('headers' in answer && answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // By itself: the pool opens new connections, the change feed reconnects.
    await waitFor('/readyz to be 200', async () => (await request('GET', '/readyz')).status === 200);
    expect((await createRole(accountId)).status).toBe(201);
    expectAlive();
  });

  it('stays up through a restart under 20 clients, never answering anything but success or 503, and recovers', async () => {
    const statuses = new Map<number, number>();
    let stop = false;
    const client = async (n: number) => {
      // Bounded in count as well as by the flag.
      for (let i = 0; i < 5000 && !stop; i++) {
        const answer = await (
          n % 2 === 0 ? createRole(accountId) : request('GET', `/v1/accounts/${accountId}/members`)
        ).catch(() => ({ status: 0 }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    try {
      await waitFor('some load before the restart', () => (statuses.get(201) ?? 0) >= 20);
      await cluster.restart();
      await waitFor(
        '/readyz to be 200 after the restart',
        async () => (await request('GET', '/readyz')).status === 200,
      );
      const after = statuses.get(201) ?? 0;
      await waitFor('writes to succeed again', () => (statuses.get(201) ?? 0) >= after + 20);
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expectAlive();
    // 0 would be a connection the process dropped (it crashed); 500 a failure reported as a bug.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 201]));
    for (const status of statuses.keys())
      expect([200, 201, 503], `statuses seen: ${JSON.stringify([...statuses])}`).toContain(status);
  });
});
