// npm run bench:authz — the authorization check on the realistic policy of issue 17: in process
// through check() against a hand-written bit set, CASL and casbin; then over HTTP against a
// constant route with the same body schema; on PGlite and on PostgreSQL (BENCH_DB=pglite|postgres
// for one only). BENCH_SECONDS sets each HTTP run's length (default 5).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService } from '../../src/access/access-service.js';
import { CheckBody, CheckResultSchema } from '../../src/checks/routes.js';
import type { ChecksDeps } from '../../src/checks/service.js';
import { loadConfig } from '../../src/config/config.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { buildApp } from '../../src/app.js';
import { tuneGarbageCollector } from '../../src/runtime/gc-tuning.js';
import { createBenchDatabase } from '../support.js';
import { benchToken, loadCount, pinServer, runHttpBench } from './http.js';
import { coldStart, runInProcessBench } from './inprocess.js';
import { buildPolicy, writeBenchCatalog } from './policy.js';
import { seedPolicy } from './seed.js';

// This process is the server under test: the GC settings of `gatehouse serve`.
tuneGarbageCollector();
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const kinds = process.env.BENCH_DB ? [process.env.BENCH_DB] : ['pglite', 'postgres'];
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const catalogPath = writeBenchCatalog(dir);
const policy = buildPolicy(catalogPath);
const pinned = pinServer();
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
console.log(
  `policy: ${policy.catalog.permissions.length} permissions, ${policy.roles.length} roles (${pct(policy.stats.ownGrantShare)} of grants own-records), ` +
    `${policy.members.length} members (${pct(policy.stats.profileLimitedShare)} profile-limited, ${pct(policy.stats.inactiveShare)} inactive), ` +
    `${policy.resources.length} registered resources; ${policy.queries.length} checks, all naming a resource (${pct(policy.stats.registeredQueryShare)} registered)`,
);

try {
  for (const kind of kinds) {
    let database: Database;
    let drop = async () => {};
    if (kind === 'postgres') {
      const created = await createBenchDatabase('gatehouse_bench_authz');
      database = await openDatabase({ databaseUrl: created.url, poolSize: 10 });
      drop = () => created.drop();
    } else database = await openDatabase({ pglitePath: join(dir, 'pgdata') });
    const app = await buildApp(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PLATFORM_TOKEN: benchToken,
        DATA_DIR: dir,
        GATEHOUSE_CATALOG: catalogPath,
        SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
      }),
      {
        database,
        configure(instance) {
          instance.post(
            '/bench/constant',
            { schema: { body: CheckBody, response: { 200: CheckResultSchema } } },
            async () => ({ allowed: true, reason: 'granted', scope: 'all' }),
          );
        },
      },
    );
    try {
      console.log(`\n=== ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} ===`);
      await seedPolicy(database.db, policy);
      // A restart: a fresh AccessService on the seeded database, first checks one by one.
      const cold = new AccessService(database, policy.catalog);
      await cold.start();
      const coldDeps: ChecksDeps = { access: cold, resolveApiKeySubject: async () => undefined };
      const started = await coldStart(coldDeps, policy.queries);
      console.log(
        `after a restart: first check ${(started.firstMicros / 1000).toFixed(1)} ms (loads the account's ${policy.members.length} members in one query and its resources in another); ` +
          `next 1,999 checks p50 ${started.restP50Micros.toFixed(1)} µs p99 ${started.restP99Micros.toFixed(1)} µs; ${started.loaded} of 2,000 checks loaded anything (${loadCount(cold)} loads)`,
      );
      await cold.stop();

      const deps: ChecksDeps = { access: app.deps.access, resolveApiKeySubject: async () => undefined };
      const { results, loadedDuringMeasure, measuredChecks } = await runInProcessBench(policy, deps);
      console.log(`in process (best of 2 interleaved rounds; check() warm):`);
      for (const result of Object.values(results)) {
        console.log(
          `  ${result.name.padEnd(8)}${(result.decisionsPerSecond / 1e6).toFixed(3).padStart(9)} M/s   ${(1e6 / result.decisionsPerSecond).toFixed(3).padStart(8)} µs/check   p50 ${result.p50Micros.toFixed(3)} µs   p99 ${result.p99Micros.toFixed(3)} µs`,
        );
      }
      const per = (name: string) => 1 / results[name].decisionsPerSecond;
      const p50 = (name: string) => results[name].p50Micros;
      // Means carry every preemption of a busy machine; p50s of 100-check batches mostly do not.
      console.log(
        `  check() / bitset: ${(per('check') / per('bitset')).toFixed(2)}x the time (mean), ${(p50('check') / p50('bitset')).toFixed(2)}x (p50)  (target ≤ 2x)`,
      );
      console.log(
        `  CASL / check():   ${(per('casl') / per('check')).toFixed(1)}x the time (mean), ${(p50('casl') / p50('check')).toFixed(1)}x (p50)  (target ≥ 10x)`,
      );
      console.log(
        `  casbin / check(): ${(per('casbin') / per('check')).toFixed(0)}x the time (mean), ${(p50('casbin') / p50('check')).toFixed(0)}x (p50)`,
      );
      console.log(`  checks that loaded anything while measured: ${loadedDuringMeasure} of ${measuredChecks}`);

      await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0) });
      const address = app.server.address();
      const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
      const http = await runHttpBench(url, dir, app.deps.access, policy.queries, seconds, pinned);
      console.log(
        `HTTP (server on core 0, autocannon on core 1${pinned ? '' : ' — taskset missing: NOT pinned'}), 50 connections, ${seconds} s per run, 3 interleaved rounds, median by CPU:`,
      );
      for (const [name, run] of [
        ['POST /bench/constant (same schema)', http.base],
        ['POST /v1/authz/check', http.check],
      ] as const) {
        console.log(
          `  ${name.padEnd(36)}${run.requests.toFixed(0).padStart(7)} req/s   server CPU ${run.cpuMicrosPerRequest.toFixed(1).padStart(6)} µs/request   p50 ${run.p50} ms   p99 ${run.p99} ms`,
        );
      }
      console.log(
        `  check / constant, server CPU per request: ${(http.check.cpuMicrosPerRequest / http.base.cpuMicrosPerRequest).toFixed(2)}x  (target ≤ 1.1x); p99 target ≤ 5 ms`,
      );
      console.log(`  loads during the HTTP runs: ${http.loads} over ${http.checks} checks`);
    } finally {
      await app.close();
      await database.close();
      await drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
