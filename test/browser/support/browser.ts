import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import type { TestUser } from '../../support/users.js';
import { codeFor, type Gatehouse } from './gatehouse.js';

export { launchChromium } from './chromium.js';

/**
 * A fresh browser profile (its own cookies and localStorage) on Gatehouse, at the 1280 px the
 * dashboard targets. `g` is what useGatehouse() returns.
 */
export async function openPage(g: { browser: Browser; url: string }): Promise<Page> {
  const context = await g.browser.newContext({
    baseURL: g.url,
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
  });
  // Actions wait for the app, not for a fixed time: generous, so a loaded machine only slows down.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Uncaught/.test(message.text()))
      errors.push(message.text());
  });
  errorsOf.set(page, errors);
  openPages.push(page);
  return page;
}

const openPages: Page[] = [];

// A failed test leaves a picture of every page it had open, and their pages are closed.
afterEach(async (context) => {
  const pages = openPages.splice(0);
  if (context.task.result?.state === 'fail') {
    for (const page of pages)
      if (pageErrors(page).length)
        console.error(`page errors in "${context.task.name}":\n${pageErrors(page).join('\n')}`);
    const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await Promise.all(pages.map((page, index) => screenshot(page, `FAILED-${name}-${index}`).catch(() => {})));
  }
  await Promise.all(
    pages.map((page) =>
      page
        .context()
        .close()
        .catch(() => {}),
    ),
  );
});

/** Script errors and CSP refusals the page logged: a screen that "works" but throws is broken. */
export function pageErrors(page: Page): string[] {
  return errorsOf.get(page) ?? [];
}
const errorsOf = new WeakMap<Page, string[]>();

const screensDir = join(process.cwd(), 'test-results', 'screens');

/**
 * Saves test-results/screens/<name>.png, for people to look at: the viewport (what a person
 * sees; a dialog's overlay), or the whole page with `fullPage`.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: options.fullPage ?? false });
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * Runs axe-core in the page (evaluated, so the page's own CSP stays as it is) and fails on
 * any serious or critical violation, naming the rule and the elements.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // A dialog fading in or out has text at a few percent opacity, which axe reports as contrast
  // 1:1: check the page as it settles, after its finite transitions (spinners run forever).
  await page.evaluate(async () => {
    const doc = (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document;
    interface Animation {
      finished: Promise<unknown>;
      effect: { getTiming(): { iterations?: number } } | null;
    }
    const settling = doc.getAnimations().filter((animation) => animation.effect?.getTiming().iterations !== Infinity);
    await Promise.all(settling.map((animation) => animation.finished.catch(() => undefined)));
  });
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page (the test's tsconfig has no DOM types).
    const page = globalThis as unknown as {
      document: unknown;
      axe: {
        run: (
          context: unknown,
          options: object,
        ) => Promise<{
          violations: {
            id: string;
            impact: string;
            help: string;
            nodes: { target: string[]; failureSummary?: string }[];
          }[];
        }>;
      };
    };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).slice(0, 5),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `accessibility violations on ${screen}`).toEqual([]);
}

/** Signs in through the sign-in page: email and password, then a TOTP code computed here. */
export async function signInThroughPage(page: Page, g: Gatehouse, user: TestUser): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(await codeFor(g, user));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(/\/accounts\/acc_/);
}
