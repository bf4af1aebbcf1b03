import { type Browser, chromium } from 'playwright-core';

// No vitest here: the dashboard bench launches the same browser outside the test runner.

/** Debian's Chromium, never a downloaded browser (see .ci/run). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
