import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { CheckBody, CheckResultSchema } from '../../src/checks/routes.js';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/db/database.js';
import { buildApp } from '../../src/app.js';
import { tuneGarbageCollector } from '../../src/runtime/gc-tuning.js';
import { newId } from '../../src/shared/ids.js';
import { catalog, random } from './policy.js';

const token = 'bench-platform-token-0123456789abcdef0123456789';

function pinned(): boolean {
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The check endpoint against a route with the same body schema that returns a constant,
 * under autocannon in another process on the other core; then check-batch with 1,000.
 */
export async function runHttpBench(seconds = 5): Promise<void> {
  // From here this process is the server under test: the GC settings of `gatehouse serve`.
  tuneGarbageCollector();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const database = await openDatabase({ pglitePath: join(dir, 'pgdata') });
  const app = await buildApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PLATFORM_TOKEN: token, DATA_DIR: dir, SECRET_KEY: Buffer.alloc(32, 3).toString('base64') }), {
    database,
    configure(instance) {
      instance.post('/bench/constant', { schema: { body: CheckBody, response: { 200: CheckResultSchema } } }, async () => ({ allowed: true, reason: 'granted', scope: 'all' }));
    },
  });
  try {
    const created = await app.inject({ method: 'POST', url: '/v1/accounts', headers: { authorization: `Bearer ${token}` }, payload: { name: 'Bench', ownerEmail: 'owner@bench.example' } });
    const accountId = created.json<{ account: { id: string } }>().account.id;
    const roles = catalog.builtinRoles.filter((role) => role.key !== 'owner').map((role) => role.key);
    const members: string[] = [];
    const next = random(7);
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 500; i++) {
        const userId = newId('usr');
        const memberId = newId('mem');
        await sql`insert into users (id, email, name, totp_enabled_at) values (${userId}, ${`m${i}@bench.example`}, ${`Member ${i}`}, now())`.execute(trx);
        await sql`insert into members (account_id, id, user_id, status, builtin_role, profile_ids)
                  values (${accountId}, ${memberId}, ${userId}, 'active', ${roles[i % roles.length]}, ${next() < 0.3 ? ['prf_1'] : null})`.execute(trx);
        members.push(memberId);
      }
    });
    const permissions = catalog.permissions;
    const body = (i: number) => ({ accountId, subject: { memberId: members[i % members.length] }, permission: permissions[(i * 7) % permissions.length], profileId: i % 2 ? 'prf_1' : undefined });
    const bodies = Array.from({ length: 2000 }, (_, i) => JSON.stringify(body(i)));
    const bodiesFile = join(dir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const batchFile = join(dir, 'batch.json');
    writeFileSync(batchFile, JSON.stringify(Array.from({ length: 5 }, (_, b) => JSON.stringify({ checks: Array.from({ length: 1000 }, (_, i) => body(b * 1000 + i)) }))));
    // The usual platform batch: one member, many permissions and profiles, named once.
    const oneSubjectFile = join(dir, 'batch-one-subject.json');
    writeFileSync(
      oneSubjectFile,
      JSON.stringify(
        Array.from({ length: 5 }, (_, b) => {
          const checks = Array.from({ length: 1000 }, (_, i) => {
            const { permission, profileId } = body(b * 1000 + i);
            return { permission, profileId };
          });
          return JSON.stringify({ accountId, subject: { memberId: members[b] }, checks });
        }),
      ),
    );
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    // Compile every member once, as a running service would have.
    for (let i = 0; i < members.length; i++) await app.inject({ method: 'POST', url: '/v1/authz/check', headers: { authorization: `Bearer ${token}` }, payload: body(i) });
    const isPinned = pinned();
    // Asynchronous on purpose: this very process serves the requests while the child runs.
    const load = async (path: string, file: string, duration: number) => {
      const args = ['--import', 'tsx', 'bench/authz/load.ts', `${url}${path}`, file, String(duration), token];
      const child = isPinned ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await new Promise((resolve) => child.on('exit', resolve));
      const out = JSON.parse(stdout) as { requests: number; p50: number; p99: number; non2xx: number; errors: number };
      if (out.non2xx || out.errors) throw new Error(`${path}: ${out.non2xx} non-2xx, ${out.errors} errors`);
      return out;
    };
    console.log(`\nHTTP (server on core 0, autocannon on core 1${isPinned ? '' : ' — taskset missing: NOT pinned'}), 16 connections, ${seconds} s per run, 3 interleaved rounds`);
    const check: number[] = [];
    const base: number[] = [];
    let lastCheck = { p50: 0, p99: 0 };
    let lastBase = { p50: 0, p99: 0 };
    for (let round = 0; round < 3; round++) {
      const c = await load('/v1/authz/check', bodiesFile, seconds);
      const b = await load('/bench/constant', bodiesFile, seconds);
      check.push(c.requests);
      base.push(b.requests);
      lastCheck = c;
      lastBase = b;
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[1];
    console.log(`${'POST /bench/constant (same schema)'.padEnd(40)}${median(base).toFixed(0).padStart(8)} req/s  p50 ${lastBase.p50} ms  p99 ${lastBase.p99} ms`);
    console.log(`${'POST /v1/authz/check'.padEnd(40)}${median(check).toFixed(0).padStart(8)} req/s  p50 ${lastCheck.p50} ms  p99 ${lastCheck.p99} ms`);
    console.log(`check / constant: ${(median(check) / median(base)).toFixed(2)}  (target ≥ 0.60, stretch 0.90)`);
    for (const [name, file] of [['check-batch, 1,000 subjects', batchFile], ['check-batch, one subject named once', oneSubjectFile]]) {
      const batch = await load('/v1/authz/check-batch', file, seconds);
      console.log(`${`POST ${name}`.padEnd(40)}${(batch.requests * 1000).toFixed(0).padStart(8)} decisions/s  (${batch.requests.toFixed(0)} req/s of 1,000; target ≥ 500,000)`);
    }
  } finally {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
