/**
 * npx tsx bench/dashboard/paired.ts <checkoutA> <checkoutB> [pairs]: whether a change moved the
 * members page's first load, when the change is smaller than the machine's own swing from one
 * minute to the next (±100 ms here). Each checkout (built: `node scripts/build.mjs` in it)
 * serves its own seeded copy of the 100,000-member account; one Chromium then loads the page
 * from A and from B alternately (ABBA…), `pairs` times each (15), and prints both medians and
 * the median of the pairs' differences. BENCH_WARM_RENDERER=1 as in bench:dashboard.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, measureLoad, readyWhen } from './browser.js';
import { accountId, seedAccount } from './seed.js';
import { benchSecretKey, signedInState, startService } from './service.js';

const [checkoutA, checkoutB] = process.argv.slice(2, 4);
if (!checkoutA || !checkoutB) throw new Error('usage: paired.ts <checkoutA> <checkoutB> [pairs]');
const pairs = Number(process.argv[4] ?? 15);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dirs = [mkdtempSync(join(tmpdir(), 'gatehouse-paired-a-')), mkdtempSync(join(tmpdir(), 'gatehouse-paired-b-'))];
const servers: Awaited<ReturnType<typeof startService>>[] = [];
try {
  const owners = [
    await seedAccount({ dataDir: dirs[0] }, benchSecretKey, 100_000),
    await seedAccount({ dataDir: dirs[1] }, benchSecretKey, 100_000),
  ];
  servers.push(
    await startService({ DATA_DIR: dirs[0], DATABASE_URL: '' }, checkoutA),
    await startService({ DATA_DIR: dirs[1], DATABASE_URL: '' }, checkoutB),
  );
  const browser = await launchChromium();
  try {
    const states = [
      await signedInState(browser, servers[0].url, owners[0]),
      await signedInState(browser, servers[1].url, owners[1]),
    ];
    const path = `/accounts/${accountId}/members`;
    const readyScript = readyWhen('[data-testid=member-row]', 50);
    const load = (side: number) => measureLoad(browser, servers[side].url, path, { state: states[side], readyScript });
    await load(0); // untimed: the servers' first requests
    await load(1);
    const times: number[][] = [[], []];
    const busy: number[][] = [[], []];
    for (let pair = 0; pair < pairs; pair++) {
      for (const side of pair % 2 === 0 ? [0, 1] : [1, 0]) {
        const result = await load(side);
        times[side].push(result.readyAt);
        busy[side].push(result.mainThread.tasks);
      }
    }
    const differences = times[1].map((time, i) => time - times[0][i]);
    [checkoutA, checkoutB].forEach((checkout, side) =>
      console.log(
        `${side === 0 ? 'A' : 'B'} ${checkout}: median ${median(times[side]).toFixed(0)} ms, main thread busy ${median(busy[side]).toFixed(0)} ms; runs ${times[side].map((t) => t.toFixed(0)).join(' ')}`,
      ),
    );
    console.log(
      `B - A, paired: median ${median(differences).toFixed(0)} ms (B faster in ${differences.filter((d) => d < 0).length} of ${pairs}); busy ${(median(busy[1]) - median(busy[0])).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
