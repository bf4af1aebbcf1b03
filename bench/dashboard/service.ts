// The service and the signed-in owner every dashboard benchmark starts from.
import { spawn } from 'node:child_process';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { freePort } from '../../test/support/free-port.js';
import type { Owner } from './seed.js';

/** The key the seed sealed the owner's TOTP secret with; the service must open it with the same. */
export const benchSecretKey = Buffer.alloc(32, 7);

/**
 * `gatehouse serve` from `checkout`'s dist/ (the real entry point, `NODE_ENV=development` as on
 * a laptop) on a free port, once its /healthz answers; `env` names the database.
 */
export async function startService(env: Record<string, string>, checkout = process.cwd()) {
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
      SECRET_KEY: benchSecretKey.toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${checkout}: the server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Signs the owner in through the sign-in page once; every measured run starts from this state. */
export async function signedInState(browser: Browser, url: string, owner: Owner) {
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
