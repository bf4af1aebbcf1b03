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
      // Chromium 156 starts a renderer for the address bar's WebUI popup with every new window,
      // that is with every browser context here: during a measured page load it spent ~2 s of
      // CPU beside the page on two cores (a trace in bench/README.md). A person's browser has
      // its window open before they navigate; Playwright merges this list with its own.
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
    ],
  });
}
