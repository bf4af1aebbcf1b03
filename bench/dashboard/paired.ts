/**
 * npx tsx bench/dashboard/paired.ts <checkoutA> <checkoutB> [pairs]: whether a change moved the
 * members page's first load, when the change is smaller than the machine's own swing from one
 * minute to the next (±100 ms here). Each checkout (built: `node scripts/build.mjs` in it)
 * serves its own seeded copy of the 100,000-member account; one Chromium then loads the page
 * from A and from B alternately (ABBA…), `pairs` times each (15), and prints both medians and
 * the median of the pairs' differences. BENCH_WARM_RENDERER=1 as in bench:dashboard.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type Browser } from 'playwright-core';
import { launchChromium, measureLoad, readyWhen } from './browser.js';
import { accountId, type Owner, seedAccount } from './seed.js';

const [checkoutA, checkoutB] = process.argv.slice(2, 4);
if (!checkoutA || !checkoutB) throw new Error('usage: paired.ts <checkoutA> <checkoutB> [pairs]');
const pairs = Number(process.argv[4] ?? 15);
const secretKey = Buffer.alloc(32, 7);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function serve(checkout: string, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: checkout,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      SECRET_KEY: secretKey.toString('base64'),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  while (
    !(await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error(`${checkout}: the server exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child };
}

async function signedIn(browser: Browser, url: string, owner: Owner) {
  const context = await browser.newContext({ baseURL: url });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel(/^Password/).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(await generate({ secret: owner.totpSecret }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/accounts\/acc_/);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dirs = [mkdtempSync(join(tmpdir(), 'gatehouse-paired-a-')), mkdtempSync(join(tmpdir(), 'gatehouse-paired-b-'))];
const servers: { url: string; child: ChildProcess }[] = [];
try {
  const owners = [
    await seedAccount({ dataDir: dirs[0] }, secretKey, 100_000),
    await seedAccount({ dataDir: dirs[1] }, secretKey, 100_000),
  ];
  servers.push(await serve(checkoutA, dirs[0]), await serve(checkoutB, dirs[1]));
  const browser = await launchChromium();
  try {
    const states = [
      await signedIn(browser, servers[0].url, owners[0]),
      await signedIn(browser, servers[1].url, owners[1]),
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
  await Promise.all(
    servers.map(({ child }) =>
      child.exitCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
    ),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
