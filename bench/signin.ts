/**
 * The password step of signing in (POST /v1/session) under 50 concurrent clients, against
 * the argon2id ceiling of the same machine measured in the same run, while a prober keeps
 * asking GET /healthz: argon2 runs on libuv's thread pool (@node-rs/argon2's async API), so
 * the event loop, and with it /healthz, must never wait on it.
 *
 * 1. Ceiling: `verify()` with the service's parameters, as many at once as the thread pool
 *    takes, in this process with the server not yet started: verifications per second.
 * 2. Service: `gatehouse serve` (dist/, the real entry point) on a fresh embedded database
 *    seeded with 50 users with a password and TOTP; 50 clients each sign in as their own
 *    user from their own address (TRUST_PROXY, X-Forwarded-For: 50 people, not one attacker),
 *    in a loop, for BENCH_SECONDS; each right password answers 200 `second_factor`.
 *
 * Targets (issue 17.6): sign-ins per second ≥ 80% of the ceiling; /healthz p99 < 50 ms.
 * Run: `npm run bench:signin` (port BENCH_PORT, default 4480).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import { normalisePassword, passwordHashOptions } from '../src/auth/password.js';
import { sealTotpSecret } from '../src/auth/totp-seed.js';
import { newTotpSecret } from '../src/auth/totp.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { newId } from '../src/shared/ids.js';
import { describeMachine, percentile } from './support.js';

const port = Number(process.env.BENCH_PORT ?? 4480);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const clients = 50;
const password = 'a long pass phrase for the bench';
const secretKey = Buffer.alloc(32, 9);
// libuv's default pool: what both this process and the server run argon2 on.
const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

async function argon2Ceiling(storedHash: string): Promise<number> {
  const normalised = normalisePassword(password);
  for (let i = 0; i < 8; i++) await verify(storedHash, normalised); // warm up
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: poolSize * 2 }, async () => {
      while (performance.now() < until) {
        if (!(await verify(storedHash, normalised))) throw new Error('the bench hash does not verify');
        done++;
      }
    }),
  );
  return done / ((performance.now() - began) / 1000);
}

async function seedUsers(dataDir: string, storedHash: string): Promise<string[]> {
  const database = await openDatabase({ dataDir });
  try {
    await migrateToLatest(database.db);
    const emails: string[] = [];
    for (let i = 0; i < clients; i++) {
      const id = newId('usr');
      const email = `bench${i}@merchant.example`;
      await sql`insert into users (id, email, name, password_hash, totp_secret_encrypted, totp_enabled_at)
                values (${id}, ${email}, ${`Bench ${i}`}, ${storedHash}, ${sealTotpSecret(secretKey, id, newTotpSecret())}, now())`.execute(
        database.db,
      );
      emails.push(email);
    }
    return emails;
  } finally {
    await database.close();
  }
}

function request(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 1 });

async function startServer(dataDir: string) {
  // BENCH_PROFILE=<dir>: the server writes a CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  const child = spawn(process.execPath, [...profile, 'dist/cli.js', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: 'https://iam.example.com',
      SECRET_KEY: secretKey.toString('base64'),
      PLATFORM_TOKEN: 'bench-platform-token-0123456789abcdef0123456789',
      TRUST_PROXY: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if ((await request('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, stop: async () => void (child.kill('SIGTERM'), await exited) };
}

console.log(describeMachine());
const storedHash = await hash(normalisePassword(password), passwordHashOptions);
const ceiling = await argon2Ceiling(storedHash);
console.log(
  `argon2id ceiling (m=${passwordHashOptions.memoryCost} KiB, t=${passwordHashOptions.timeCost}, p=${passwordHashOptions.parallelism}; ${poolSize} pool threads): ${ceiling.toFixed(1)} verifications/s`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-signin-'));
const emails = await seedUsers(dataDir, storedHash);
const server = await startServer(dataDir);
try {
  // Baseline: the same probe against the idle server, in the same minute of the machine.
  const idle: number[] = [];
  for (const until = performance.now() + 3000; performance.now() < until;) {
    const began = performance.now();
    if ((await request('GET', '/healthz')).status === 200) idle.push(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  idle.sort((a, b) => a - b);
  console.log(
    `GET /healthz on the idle server: ${idle.length} probes, p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${percentile(idle, 99).toFixed(1)} ms`,
  );

  let running = true;
  const latencies: number[] = [];
  const prober = (async () => {
    while (running) {
      const began = performance.now();
      const res = await request('GET', '/healthz');
      if (res.status === 200) latencies.push(performance.now() - began);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  let signedIn = 0;
  const failures = new Map<string, number>();
  const began = performance.now();
  const until = began + seconds * 1000;
  await Promise.all(
    emails.map(async (email, i) => {
      const body = JSON.stringify({ email, password });
      const headers = { 'x-forwarded-for': `198.51.100.${i + 1}` };
      while (performance.now() < until) {
        const res = await request('POST', '/v1/session', body, headers);
        if (res.status === 200 && res.text.includes('"second_factor"')) signedIn++;
        else
          failures.set(
            `${res.status} ${res.text.slice(0, 120)}`,
            (failures.get(`${res.status} ${res.text.slice(0, 120)}`) ?? 0) + 1,
          );
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  running = false;
  await prober;
  const rate = signedIn / elapsed;
  latencies.sort((a, b) => a - b);
  const ratio = rate / ceiling;
  console.log(
    `POST /v1/session, ${clients} clients for ${elapsed.toFixed(1)} s: ${signedIn} password steps, ${rate.toFixed(1)}/s = ${(ratio * 100).toFixed(0)}% of the ceiling (target ≥ 80%)`,
  );
  for (const [what, count] of failures) console.log(`  not signed in: ${count} × ${what}`);
  console.log(
    `GET /healthz meanwhile: ${latencies.length} probes, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (target p99 < 50 ms)`,
  );
  process.exitCode = ratio >= 0.8 && percentile(latencies, 99) < 50 && failures.size === 0 ? 0 : 1;
} finally {
  agent.destroy();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
