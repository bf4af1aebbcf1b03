import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { type Gatehouse, startGatehouse } from './gatehouse.js';

/** A real Gatehouse and the Chromium that drives it, shared by the tests of one file. */
export interface BrowserGatehouse extends Gatehouse {
  browser: Browser;
}

/**
 * Starts Gatehouse (with `env` over the test defaults) and Chromium before the file's tests and
 * closes both after them. Call it at the top of the file, before any hook of its own that uses
 * the result: hooks run in the order they are registered, so the returned object is filled in
 * by the time those hooks and the tests run (and is empty before).
 */
export function useGatehouse(env: Record<string, string> = {}): BrowserGatehouse {
  const harness = {} as BrowserGatehouse;
  beforeAll(async () => {
    const [gatehouse, browser] = await Promise.all([startGatehouse(env), launchChromium()]);
    Object.assign(harness, gatehouse, { browser });
  });
  afterAll(async () => {
    await harness.browser?.close();
    await harness.close?.();
  });
  return harness;
}
