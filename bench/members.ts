// npm run bench:members — the users list on PostgreSQL: one account with 100,000 members among
// 1,000,000 users (900,000 more members spread over 999 other accounts). Each query runs
// through the HTTP API (a real loopback socket, keep-alive, platform token) and, in the same
// run, as the identical SQL straight on a pg client; p50/p95 of both and their ratio are printed.
// Not app.inject: light-my-request keeps ~15% of what a request allocates alive past a
// young-generation GC, so its GC pauses would be the harness's, not the service's. Not Node's
// http client either: see bench/http-client.ts.
import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { openDatabase, pgTypes } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { listMembers, type ListFilter, type SortKey } from '../src/members/store.js';
import { tuneGarbageCollector } from '../src/runtime/gc-tuning.js';
import { encodeCursor } from '../src/shared/cursor.js';
import { openHttpConnection } from './http-client.js';
import { createBenchDatabase, fmt, percentile, timeAlternately } from './support.js';

const token = 'bench-platform-token-0123456789abcdef0123456789';
const runs = Number(process.env.BENCH_RUNS ?? 2000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 15_000);

async function seed(client: pg.Client) {
  const first = `array['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken','Dennis','Margaret','Linus','Guido','Bjarne','Frances','Radia','Shafi','Leslie','Tony','Niklaus','John','Hedy']`;
  const last = `array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Thompson','Ritchie','Hamilton','Torvalds','Rossum','Stroustrup','Allen','Perlman','Goldwasser','Lamport','Hoare','Wirth','McCarthy','Lamarr']`;
  console.log('seeding 1,000,000 users, 1,000 accounts, 1,000,000 members…');
  const t = Date.now();
  await client.query(
    `insert into accounts (id, name) select 'acc_' || g, 'Account ' || g from generate_series(0, 999) g`,
  );
  await client.query(
    `insert into profiles (account_id, id, name) select 'acc_0', 'prf_' || g, 'Profile ' || g from generate_series(0, 9) g`,
  );
  await client.query(`insert into users (id, email, name, totp_enabled_at, last_sign_in_at)
    select 'usr_' || g, 'user' || g || '@example' || (g % 97) || '.com',
           (${first})[1 + g % 20] || ' ' || (${last})[1 + (g / 20) % 20] || ' ' || g,
           now(), now() - (g % 1000) * interval '1 hour'
      from generate_series(0, 999999) g`);
  // Copying name and email in bulk is faster than the per-row trigger.
  await client.query('alter table members disable trigger members_copy_user_identity');
  await client.query(`insert into members (account_id, id, user_id, name, email, status, builtin_role, profile_ids, created_at)
    select 'acc_' || (case when g < 100000 then 0 else 1 + g % 999 end), 'mem_' || g, 'usr_' || g, u.name, u.email,
           (array['active','active','active','active','active','active','inactive','invited'])[1 + g % 8],
           (array['administrator','developer','finance','support','restricted','view_only'])[1 + g % 6],
           case when g % 3 = 0 then array['prf_' || (g % 10)] else null end,
           now() - g * interval '1 minute'
      from generate_series(0, 999999) g join users u on u.id = 'usr_' || g`);
  await client.query('alter table members enable trigger members_copy_user_identity');
  await client.query('analyze');
  console.log(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

interface Case {
  name: string;
  query: Record<string, string>;
  filter: ListFilter;
  sort: { key: SortKey; descending: boolean };
  after?: { value: string; id: string };
}

async function deepCursor(client: pg.Client, offset: number) {
  const { rows } = await client.query(
    `select lower(name) as v, id from members where account_id = 'acc_0' and status <> 'removed' order by lower(name), id offset $1 limit 1`,
    [offset],
  );
  return { value: rows[0].v as string, id: rows[0].id as string };
}

async function main() {
  // This process is the server under test, so it runs with the GC settings `gatehouse serve` uses.
  tuneGarbageCollector();
  // BENCH_DATABASE_URL reuses a database seeded by an earlier run (kept with BENCH_KEEP=1).
  const reuse = process.env.BENCH_DATABASE_URL;
  const target = reuse ? { url: reuse, drop: async () => {} } : await createBenchDatabase('gatehouse_bench_members');
  // The same type parsers as the service's pool, so that both sides build the same rows.
  const client = new pg.Client({ connectionString: target.url, types: pgTypes });
  await client.connect();
  try {
    const database = await openDatabase({ databaseUrl: target.url, poolSize: 4 });
    await migrateToLatest(database.db);
    const seeded = (await client.query(`select 1 from accounts where id = 'acc_0'`)).rowCount === 1;
    if (!seeded) await seed(client);
    const app = await buildApp(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLATFORM_TOKEN: token,
        DATABASE_URL: target.url,
        SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
      }),
      { database },
    );
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const connection = await openHttpConnection(address, { authorization: `Bearer ${token}` });
    const get = async (path: string) => {
      const answer = await connection.get(path);
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.body.toString()}`);
    };
    const deep = await deepCursor(client, 50_000);
    const cases: Case[] = [
      { name: 'first page, by name', query: {}, filter: {}, sort: { key: 'name', descending: false } },
      {
        name: 'deep page (50,000th), by name',
        query: { cursor: encodeCursor({ v: deep.value, id: deep.id, s: 'name' }) },
        filter: {},
        sort: { key: 'name', descending: false },
        after: deep,
      },
      {
        name: 'search q=grace h',
        query: { q: 'grace h' },
        filter: { q: 'grace h' },
        sort: { key: 'name', descending: false },
      },
      {
        name: 'search by email q=user12345',
        query: { q: 'user12345' },
        filter: { q: 'user12345' },
        sort: { key: 'name', descending: false },
      },
      {
        name: 'status=inactive',
        query: { status: 'inactive' },
        filter: { status: 'inactive' },
        sort: { key: 'name', descending: false },
      },
      {
        name: 'role=finance',
        query: { roleId: 'builtin:finance' },
        filter: { role: { builtinRole: 'finance' } },
        sort: { key: 'name', descending: false },
      },
      {
        name: 'profile=prf_3',
        query: { profileId: 'prf_3' },
        filter: { profileId: 'prf_3' },
        sort: { key: 'name', descending: false },
      },
      { name: 'newest first', query: { sort: '-createdAt' }, filter: {}, sort: { key: 'createdAt', descending: true } },
      {
        name: 'status=active + role + search',
        query: { status: 'active', roleId: 'builtin:developer', q: 'ada' },
        filter: { status: 'active', role: { builtinRole: 'developer' }, q: 'ada' },
        sort: { key: 'name', descending: false },
      },
    ];
    // The exact SQL the service sends, captured from Kysely (compiled for PostgreSQL, never
    // sent: a second, idle pool would only add noise), to run straight on pg.
    let captured: CompiledQuery | undefined;
    const capture = new Kysely({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (event) => void (captured = event.query),
    });
    const paths = [];
    for (const c of cases) {
      await listMembers(capture, 'acc_0', c.filter, c.sort, c.after, 50);
      const compiled = captured!;
      const url = `/v1/accounts/acc_0/members?${new URLSearchParams({ ...c.query, limit: '50' }).toString()}`;
      paths.push({
        name: c.name,
        api: () => get(url),
        direct: () => client.query(compiled.sql, compiled.parameters as unknown[]),
      });
    }
    // A server runs for hours; its first seconds (JIT tiering, V8 still settling its GC
    // feedback, cold plan and buffer caches) are not what a member sees. Warm every path up
    // (BENCH_WARMUP_MS, 15 s by default) before anything is kept.
    const warmUntil = Date.now() + warmupMs;
    while (Date.now() < warmUntil)
      for (const path of paths) for (let i = 0; i < 10; i++) await Promise.all([path.api(), path.direct()]);
    console.log(
      `\n${'query'.padEnd(34)}${'api p50'.padStart(9)}${'api p95'.padStart(9)}${'sql p50'.padStart(9)}${'sql p95'.padStart(9)}  p95 ratio   (ms, ${runs} runs each, API and SQL alternating)`,
    );
    const failures: string[] = [];

    for (const path of paths) {
      // One API request, then the same SQL, and again: bursts of noise from the rest of the
      // machine (a 2-core VM) fall on both sides alike. Blocks of 100 per side let a burst
      // land on one side only, and moved a p95 ratio by up to 0.4 between runs.
      const [apiTimes, sqlTimes] = await timeAlternately(path.api, path.direct, runs);
      const [a50, a95, s50, s95] = [
        percentile(apiTimes, 50),
        percentile(apiTimes, 95),
        percentile(sqlTimes, 50),
        percentile(sqlTimes, 95),
      ];
      const ratio = a95 / s95;
      console.log(`${path.name.padEnd(34)}${fmt(a50)} ${fmt(a95)} ${fmt(s50)} ${fmt(s95)}  ${ratio.toFixed(2)}x`);
      if (a95 > 20 || ratio > 1.5) failures.push(path.name);
    }
    console.log(
      failures.length
        ? `\nOver target (p95 ≤ 20 ms and ≤ 1.5x SQL): ${failures.join('; ')}`
        : '\nAll queries within target: p95 ≤ 20 ms and ≤ 1.5x the direct SQL.',
    );
    await capture.destroy();
    connection.close();
    await app.close();
    await database.close();
  } finally {
    await client.end();
    if (process.env.BENCH_KEEP) console.log(`kept ${target.url}`);
    else await target.drop();
  }
}

await main();
