import { afterAll, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

/**
 * An app on a fresh database for the tests of one file, closed after them. Call it at the top of
 * the file: the returned object is filled in before the file's own hooks and tests run.
 */
export function useTestApp(options: Parameters<typeof createTestApp>[0] = {}): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => {
    Object.assign(t, await createTestApp(options));
  });
  afterAll(async () => {
    await t.close?.();
  });
  return t;
}
