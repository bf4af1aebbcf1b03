/**
 * npm run bench:dashboard — what a merchant's browser downloads and waits for (issue 16).
 *
 * 1. First page load, empty cache: the sign-in page, and the members page of a signed-in
 *    owner. Every script and stylesheet Chromium downloads until the page is ready and the
 *    network idle, as transferred and as gzip (target: at most 250 KB gzipped).
 * 2. The members page of an account with 100,000 members: from navigation start to the first
 *    paint with 50 rows in the table, empty cache (target: at most 1 s on this machine).
 *
 * The real service (`gatehouse serve` from dist/) on a fresh embedded database (PGlite, as
 * `npm start`), or PostgreSQL with BENCH_DB=postgres (a throw-away database on DATABASE_URL's
 * server); Debian's Chromium through playwright-core. BENCH_RUNS (5) runs of each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, describeMachine } from '../support.js';
import { type Load, launchChromium, measureLoad, readyWhen } from './browser.js';
import { accountId, seedAccount } from './seed.js';
import { benchSecretKey, signedInState, startService } from './service.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const memberCount = Number(process.env.BENCH_MEMBERS ?? 100_000);
const engine = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'pglite';
const targetBytes = 250 * 1024;
const targetMs = 1000;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sum = (load: Load, key: 'transferred' | 'decoded' | 'gzip') =>
  load.assets.reduce((total, asset) => total + asset[key], 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function reportBytes(name: string, load: Load): boolean {
  const gzip = sum(load, 'gzip');
  const encodings = [...new Set(load.assets.map((asset) => asset.encoding))].join(', ');
  console.log(
    `\n${name}: ${load.assets.length} scripts and stylesheets, ${kb(gzip)} gzip (target ≤ ${kb(targetBytes)}), ` +
      `${kb(sum(load, 'transferred'))} as transferred (${encodings}), ${kb(sum(load, 'decoded'))} decoded`,
  );
  for (const asset of [...load.assets].sort((a, b) => b.gzip - a.gzip))
    console.log(
      `  ${asset.path.padEnd(48)} ${kb(asset.gzip).padStart(9)} gzip ${kb(asset.transferred).padStart(9)} ${asset.encoding.padEnd(4)} ${kb(asset.decoded).padStart(9)} decoded`,
    );
  return gzip <= targetBytes;
}

function reportTimes(name: string, loads: Load[], target?: number): boolean {
  const times = loads.map((load) => load.readyAt);
  const med = median(times);
  console.log(
    `${name}: median ${med.toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms` +
      `${target ? ` (target ≤ ${target} ms)` : ''}; runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  const busy = (key: keyof Load['mainThread']) => median(loads.map((load) => load.mainThread[key])).toFixed(0);
  console.log(
    `    page's main thread until then (medians): busy ${busy('tasks')} ms, of which script ${busy('script')} ms, style and layout ${busy('layout')} ms`,
  );
  return target === undefined || med <= target;
}

function printTimeline(load: Load) {
  console.log(
    `  where the time went (a median run; ms from navigation start: asked for → sent on a connection → first byte → last byte):`,
  );
  const at = (ms: number) => ms.toFixed(0).padStart(5);
  for (const entry of load.timeline)
    console.log(
      `  ${at(entry.start)} → ${at(entry.requestStart)} → ${at(entry.responseStart)} → ${at(entry.end)}  ${entry.path}`,
    );
  console.log(`  ${load.readyAt.toFixed(0).padStart(14)}  50 rows painted`);
}

async function main() {
  console.log(describeMachine());
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-dashboard-'));
  const postgres = engine === 'postgres' ? await createBenchDatabase('gatehouse_bench_dashboard') : undefined;
  let server: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    const seedStart = performance.now();
    const owner = await seedAccount(
      postgres ? { databaseUrl: postgres.url } : { dataDir },
      benchSecretKey,
      memberCount,
    );
    console.log(
      `seeded ${memberCount.toLocaleString('en')} members into ${engine} in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    server = await startService(postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: dataDir, DATABASE_URL: '' });
    const browser = await launchChromium();
    try {
      const state = await signedInState(browser, server.url, owner);
      const membersPath = `/accounts/${accountId}/members`;
      // One untimed load of each page first, which also counts the bytes: the server's first
      // requests (JIT, cold database pages) are not what the next merchant sees, and reading
      // every body back over CDP would take CPU from the page while it loads.
      const signInBytes = await measureLoad(browser, server.url, '/sign-in', {
        readyScript: readyWhen('input[type=email]', 1),
        countBytes: true,
      });
      const membersBytes = await measureLoad(browser, server.url, membersPath, {
        state,
        readyScript: readyWhen('[data-testid=member-row]', 50),
        countBytes: true,
      });
      const signIn: Load[] = [];
      const members: Load[] = [];
      for (let i = 0; i < runs; i++) {
        signIn.push(
          await measureLoad(browser, server.url, '/sign-in', { readyScript: readyWhen('input[type=email]', 1) }),
        );
        members.push(
          await measureLoad(browser, server.url, membersPath, {
            state,
            readyScript: readyWhen('[data-testid=member-row]', 50),
          }),
        );
      }
      const bytesMet = [
        reportBytes('Sign-in page, first load', signInBytes),
        reportBytes('Members page, first load (signed in)', membersBytes),
      ];
      const renderer =
        process.env.BENCH_WARM_RENDERER === '1'
          ? 'renderer process already running'
          : 'renderer process started per load';
      console.log(
        `\nTime to the first 50 rows of ${memberCount.toLocaleString('en')} members, empty cache, ${renderer}, ${runs} runs:`,
      );
      const timeMet = reportTimes('  members page', members, targetMs);
      reportTimes('  sign-in page (email field painted)', signIn);
      printTimeline(members.find((load) => load.readyAt === median(members.map((m) => m.readyAt)))!);
      console.log(`\n${describeMachine()}`);
      const met = [...bytesMet, timeMet].every(Boolean);
      console.log(met ? 'All targets met.' : 'Over target: see above.');
      process.exitCode = met ? 0 : 1;
    } finally {
      await browser.close();
    }
  } finally {
    await server?.stop();
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
