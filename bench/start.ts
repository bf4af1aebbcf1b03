/**
 * `npm start` to the first 200 from /healthz, as a person typing it would see it: the real
 * entry point (npm, the build step, `gatehouse serve`), on a fresh data directory and then
 * on the existing one. Run: `npm run bench:start` (PORT from BENCH_PORT, default 4470).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './support.js';

const port = Number(process.env.BENCH_PORT ?? 4470);
const runs = Number(process.env.BENCH_RUNS ?? 5);

/** The status of GET /healthz on a connection of its own (none kept alive to slow a stop), or 0. */
function healthz(): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
  });
}

/** `npm start`; and, as the baseline, a start that rebuilds dist/ every time (what the skipped build saves). */
const npmStart = ['npm', 'start', '--silent'];
const rebuildingStart = ['sh', '-c', 'node scripts/build.mjs --force && exec node dist/cli.js serve'];

async function startToHealthy(dataDir: string, [command, ...args]: string[]): Promise<number> {
  const began = performance.now();
  const child = spawn(command, args, {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true, // its own process group: npm's child (node) is stopped with it
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if ((await healthz()) === 200) return performance.now() - began;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // npm may exit before the server it started: the next run must not find this one.
    while ((await healthz()) !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(describeMachine());
const fresh: number[] = [];
const existing: number[] = [];
const rebuilding: number[] = [];
for (let run = 0; run < runs; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-start-'));
  try {
    fresh.push(await startToHealthy(dataDir, npmStart));
    // Interleaved, so that both see the same minute of a shared machine.
    rebuilding.push(await startToHealthy(dataDir, rebuildingStart));
    existing.push(await startToHealthy(dataDir, npmStart));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `run ${run + 1}: fresh ${seconds(fresh.at(-1)!)}, existing ${seconds(existing.at(-1)!)}, existing with a rebuild ${seconds(rebuilding.at(-1)!)} (load ${loadavg()[0].toFixed(1)})`,
  );
}
console.log(
  `npm start → /healthz 200, median of ${runs}: existing data directory ${seconds(median(existing))} (target ≤ 3 s; ${seconds(median(rebuilding))} when it rebuilt dist/ every time), fresh ${seconds(median(fresh))}`,
);
