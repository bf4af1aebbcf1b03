import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { dashboardDist } from '../../src/http/dashboard.js';

/** Debian's Chromium, launched exactly as the browser tests launch it. */
export { launchChromium } from '../../test/browser/support/chromium.js';

export interface Asset {
  path: string;
  type: 'script' | 'stylesheet';
  /** Content-Encoding Chromium received (br, gzip, or none). */
  encoding: string;
  /** The body as it crossed the wire (Chromium's own count). */
  transferred: number;
  /** The body once decoded. */
  decoded: number;
  /** What the server sends a browser that accepts gzip but not Brotli (the .gz beside the file). */
  gzip: number;
}

export interface Load {
  /** ms from navigation start until `ready` resolved in the page (performance.now() there). */
  readyAt: number;
  assets: Asset[];
  /** Every request the page made, ms from navigation start: what the time was spent waiting on. */
  timeline: { path: string; start: number; requestStart: number; responseStart: number; end: number }[];
  /**
   * The page's main thread until ready (Chromium's Performance.getMetrics, ms): busy in tasks at
   * all, in script, in style and layout. Wall time, so a busy machine inflates these too, but
   * less than the whole wait: what is left is the page waiting (network, server, scheduler).
   */
  mainThread: { tasks: number; script: number; layout: number };
}

/**
 * Opens `path` in a fresh browser context (empty cache; `state` carries a signed-in session),
 * waits until `readyMark` has been set in the page, then until the network is idle, and
 * returns the time of the mark (and, with `countBytes`, every script and stylesheet Chromium downloaded).
 */
export async function measureLoad(
  browser: Browser,
  baseURL: string,
  path: string,
  options: {
    state?: BrowserContextOptions['storageState'];
    readyScript: string;
    /** Read every script's and stylesheet's size back (CDP round trips while the page loads: not for timed runs). */
    countBytes?: boolean;
  },
): Promise<Load> {
  const context = await browser.newContext({
    baseURL,
    storageState: options.state,
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
  });
  try {
    const page = await context.newPage();
    // Runs in the page before its own scripts: sets window.__benchReadyAt at the first paint
    // after the condition holds (the usual "after next paint": a frame, then a task).
    await page.addInitScript(options.readyScript);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // The name a run's profile or trace file starts with.
    const runName = `${path.replace(/\W+/g, '-')}-${Date.now()}`;
    // BENCH_PROFILE=<dir>: the page's JavaScript CPU profile until ready, for Chrome DevTools.
    const profileDir = process.env.BENCH_PROFILE;
    if (profileDir) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    // BENCH_TRACE=<dir>: a Chromium trace of the load (timeline and V8 categories), for the
    // Performance panel or bench/dashboard/trace-summary.ts.
    const traceDir = process.env.BENCH_TRACE;
    const traceFile = traceDir ? join(traceDir, `${runName}.json`) : undefined;
    if (traceFile) {
      mkdirSync(traceDir!, { recursive: true });
      await browser.startTracing(page, {
        path: traceFile,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'loading'],
      });
    }
    const finished: Promise<Asset | undefined>[] = [];
    page.on('requestfinished', (request) => {
      if (!options.countBytes) return;
      const type = request.resourceType();
      if (type !== 'script' && type !== 'stylesheet') return;
      finished.push(
        (async () => {
          const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
          const headers = (await response?.allHeaders()) ?? {};
          const path = new URL(request.url()).pathname;
          return {
            path,
            type,
            encoding: headers['content-encoding'] ?? 'none',
            transferred: sizes.responseBodySize,
            decoded: (await response?.body())?.length ?? 0,
            gzip: gzipSizeOf(path),
          };
        })(),
      );
    });
    // BENCH_WARM_RENDERER=1: the page first opens another URL of the same site (the health
    // check, which the dashboard never asks for), so the measured load reuses a running renderer
    // process, as in a browser that is already open (Chrome keeps a spare renderer for the next
    // navigation). By default each load also pays for starting one (~100 ms here).
    if (process.env.BENCH_WARM_RENDERER === '1') await page.goto('/healthz');
    await page.goto(path);
    await page.waitForFunction(() => (globalThis as { __benchReadyAt?: number }).__benchReadyAt, undefined, {
      timeout: 60_000,
      polling: 50,
    });
    const { metrics } = await cdp.send('Performance.getMetrics');
    if (traceFile) await browser.stopTracing();
    if (profileDir) {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `${runName}.cpuprofile`), JSON.stringify(profile));
    }
    const metric = (name: string) => (metrics.find((candidate) => candidate.name === name)?.value ?? 0) * 1000;
    const mainThread = {
      tasks: metric('TaskDuration'),
      script: metric('ScriptDuration'),
      layout: metric('LayoutDuration') + metric('RecalcStyleDuration'),
    };
    await page.waitForLoadState('networkidle');
    const readyAt = await page.evaluate(() => (globalThis as unknown as { __benchReadyAt: number }).__benchReadyAt);
    const timeline = await timelineOf(page);
    const assets = (await Promise.all(finished)).filter((asset): asset is Asset => asset !== undefined);
    return { readyAt, assets, timeline, mainThread };
  } finally {
    await context.close();
  }
}

function gzipSizeOf(path: string): number {
  const file = join(dashboardDist, path);
  if (existsSync(`${file}.gz`)) return statSync(`${file}.gz`).size;
  return existsSync(file) ? statSync(file).size : 0;
}

async function timelineOf(page: Page) {
  return page.evaluate(() => {
    // Runs in the page (this tsconfig has no DOM types): navigation and resource timing entries.
    interface Entry {
      name: string;
      startTime: number;
      requestStart: number;
      responseStart: number;
      responseEnd: number;
    }
    const timing = (globalThis as unknown as { performance: { getEntriesByType(type: string): Entry[] } }).performance;
    return [...timing.getEntriesByType('navigation'), ...timing.getEntriesByType('resource')].map((entry) => {
      const url = new URL(entry.name);
      return {
        path: url.pathname + url.search,
        start: entry.startTime,
        requestStart: entry.requestStart,
        responseStart: entry.responseStart,
        end: entry.responseEnd,
      };
    });
  });
}

/** A page script: marks the first paint after `selector` matches at least `count` elements. */
export function readyWhen(selector: string, count: number): string {
  return `(() => {
    const done = () => document.querySelectorAll(${JSON.stringify(selector)}).length >= ${count};
    const mark = () => requestAnimationFrame(() => setTimeout(() => { window.__benchReadyAt = performance.now(); }, 0));
    const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); mark(); } });
    observer.observe(document, { childList: true, subtree: true });
  })();`;
}
