// npm run bench:audit — the security log on PostgreSQL.
// 1. Sustained appends with the hash chain against plain inserts of the same rows into a
//    table of the same shape and indexes (no chain, no head lock, no trigger), in the same
//    run: 1 writer on one account, 16 on one account, 16 over 100 accounts.
// 2. Query p95 through the API over 1,000,000 events in one account, for each filter.
import { sql } from 'kysely';
import { recordEvent } from '../src/audit/record.js';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { buildApp } from '../src/app.js';
import { tuneGarbageCollector } from '../src/runtime/gc-tuning.js';
import { signUpAndSignIn } from '../test/support/users.js';
import { createBenchDatabase, fmt, percentile, timeRuns } from './support.js';

const token = 'bench-platform-token-0123456789abcdef0123456789';
const seconds = Number(process.env.BENCH_SECONDS ?? 4);

const event = (accountId: string, i: number) => ({
  accountId,
  actor: { type: 'member' as const, id: `mem_${i % 50}`, name: 'Bench' },
  action: 'member.updated',
  target: { type: 'member', id: `mem_${i % 500}`, name: 'Target' },
  before: { role: 'view_only' },
  after: { role: 'finance' },
  context: { ip: '203.0.113.9', userAgent: 'bench', requestId: `req-${i}` },
  at: new Date(),
});

async function throughput(
  writers: number,
  accounts: number,
  write: (accountId: string, i: number) => Promise<unknown>,
): Promise<number> {
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await write(`acc_${(w + i) % accounts}`, i);
        count++;
      }
    }),
  );
  return count / seconds;
}

async function main() {
  // This process is the server under test, so it runs with the GC settings `gatehouse serve` uses.
  tuneGarbageCollector();
  const target = await createBenchDatabase('gatehouse_bench_audit');
  const database = await openDatabase({ databaseUrl: target.url, poolSize: 20 });
  try {
    await migrateToLatest(database.db);
    const db = database.db;
    await sql`create table plain_events (like security_events including all)`.execute(db);
    await sql`create sequence plain_seq`.execute(db);
    const plain = async (accountId: string, i: number) => {
      const e = event(accountId, i);
      await sql`insert into plain_events (chain, seq, id, account_id, at, actor_type, actor_id, actor_name, action, outcome, target_type, target_id, target_name, before, after, ip, user_agent, request_id, prev_hash, hash)
        values (${accountId}, nextval('plain_seq'), ${'evt_' + Math.random()}, ${accountId}, ${e.at}, 'member', ${e.actor.id}, ${e.actor.name}, ${e.action}, 'success', 'member', ${e.target.id}, ${e.target.name},
                ${JSON.stringify(e.before)}::jsonb, ${JSON.stringify(e.after)}::jsonb, ${e.context.ip}, ${e.context.userAgent}, ${e.context.requestId}, ${Buffer.alloc(32)}, ${Buffer.alloc(32)})`.execute(
        db,
      );
    };
    const chained = (accountId: string, i: number) => recordEvent(db, event(accountId, i));

    console.log(`appends per second (${seconds} s each, interleaved twice)`);
    console.log(`${'writers'.padEnd(30)}${'chained'.padStart(10)}${'plain'.padStart(10)}   ratio`);
    for (const [writers, accounts, label] of [
      [1, 1, '1 writer, 1 account'],
      [16, 1, '16 writers, 1 account'],
      [16, 100, '16 writers, 100 accounts'],
    ] as const) {
      let c = 0;
      let p = 0;
      for (let round = 0; round < 2; round++) {
        c += await throughput(writers, accounts, chained);
        p += await throughput(writers, accounts, plain);
      }
      console.log(`${label.padEnd(30)}${fmt(c / 2, 0)}  ${fmt(p / 2, 0)}   ${(c / p).toFixed(2)}x  (target ≥ 0.50x)`);
    }

    console.log('\nseeding 1,000,000 events in one account for queries…');
    await sql`insert into security_events (chain, seq, id, account_id, at, actor_type, actor_id, actor_name, action, outcome, target_type, target_id, target_name, before, after, ip, user_agent, request_id, prev_hash, hash)
      select 'acc_big', g, 'evt_big_' || g, 'acc_big', timestamptz '2026-01-01' + g * interval '20 seconds', 'member', 'mem_' || (g % 200), 'Actor',
             (array['member.updated','member.deactivated','role.updated','session.signed_in','api_key.created','invitation.created'])[1 + g % 6],
             'success', 'member', 'mem_' || (g % 5000), 'Target', '{"a":1}'::jsonb, '{"a":2}'::jsonb, '203.0.113.1', 'bench', 'req-' || g,
             '\\x00'::bytea, '\\x00'::bytea
        from generate_series(1, 1000000) g`.execute(db);
    await sql`insert into accounts (id, name) values ('acc_big', 'Big')`.execute(db);
    await sql`analyze`.execute(db);
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
    const queries: [string, string][] = [
      ['newest first', ''],
      ['actor=mem_42', 'actor=mem_42'],
      ['action=role.updated', 'action=role.updated'],
      ['action=member.*', 'action=member.*'],
      ['target=mem_4242', 'target=mem_4242'],
      ['one day in March', 'from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z'],
      ['actor + time range', 'actor=mem_7&from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z'],
    ];
    console.log(`\n${'query (50 per page, via the API)'.padEnd(36)}${'p50'.padStart(9)}${'p95'.padStart(9)}  ms`);
    for (const [label, query] of queries) {
      const url = `/v1/accounts/acc_big/security-events?limit=50&${query}`;
      const times = await timeRuns(async () => {
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      }, 200);
      const p95 = percentile(times, 95);
      console.log(`${label.padEnd(36)}${fmt(percentile(times, 50))} ${fmt(p95)}  ${p95 <= 20 ? 'ok' : 'OVER 20 ms'}`);
    }

    // 3. What an API key costs a request, against a session cookie (the same GET, interleaved).
    const owner = await signUpAndSignIn(app, { account: { name: 'Bench' } });
    await sql`update members set flags = '{"apiAccess": true}'::jsonb where id = ${owner.memberId}`.execute(db);
    app.deps.access.cache.invalidate([{ kind: 'member', id: owner.memberId! }]);
    const created = await app.inject({
      method: 'POST',
      url: `/v1/accounts/${owner.accountId}/api-keys`,
      headers: owner.headers,
      payload: { name: 'bench', confirm: true },
    });
    if (created.statusCode !== 201) throw new Error(`key creation failed: ${created.body}`);
    const key = created.json<{ key: string }>().key;
    const get = (headers: Record<string, string>) => async () => {
      const res = await app.inject({ method: 'GET', url: `/v1/accounts/${owner.accountId}`, headers });
      if (res.statusCode !== 200) throw new Error(`GET failed: ${res.statusCode}`);
    };
    const keyTimes: number[] = [];
    const cookieTimes: number[] = [];
    for (let round = 0; round < 4; round++) {
      keyTimes.push(...(await timeRuns(get({ authorization: `Bearer ${key}` }), 250, 20)));
      cookieTimes.push(...(await timeRuns(get({ cookie: owner.cookie }), 250, 20)));
    }
    keyTimes.sort((a, b) => a - b);
    cookieTimes.sort((a, b) => a - b);
    console.log(`\nGET /v1/accounts/{id}, 1,000 each, interleaved     p50      p95  ms`);
    console.log(
      `${'with a session cookie'.padEnd(44)}${fmt(percentile(cookieTimes, 50))} ${fmt(percentile(cookieTimes, 95))}`,
    );
    console.log(`${'with an API key'.padEnd(44)}${fmt(percentile(keyTimes, 50))} ${fmt(percentile(keyTimes, 95))}`);
    console.log(
      `an API key costs ${(percentile(keyTimes, 50) / percentile(cookieTimes, 50)).toFixed(2)}x a cookie at p50 (both: one indexed lookup by token hash per request)`,
    );
    await app.close();
  } finally {
    await database.close();
    await target.drop();
  }
}

await main();
