import { defineConfig } from 'vitest/config';
import { postgresBinDir } from './test/support/pg-cluster.js';

// Integration tests run once per database engine, as separate vitest projects, so every
// line of the report says which engine it ran on. CI must not silently lose PostgreSQL.
const databaseUrl = process.env.DATABASE_URL;
if (process.env.CI === 'true' && !databaseUrl) {
  throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL half of the suite would be skipped');
}
const engines = ['pglite', ...(databaseUrl ? ['postgres'] : [])];
// Database-fault tests run a throw-away PostgreSQL cluster of their own (initdb + pg_ctl):
// without the binaries they are left out on a laptop, but never in CI.
const faults = process.env.CI === 'true' || postgresBinDir() !== undefined;

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      // isolate: false — a worker runs file after file without re-importing the service (Fastify,
      // PGlite, …: seconds per file on two cores). Every file builds its own app and database.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, isolate: false } },
      // Each process test starts the built CLI (dist/, see built-setup.ts) several times, beside
      // the rest of the suite on two cores: generous limits, so only a real hang fails.
      {
        test: {
          name: 'process',
          include: ['test/process/**/*.test.ts'],
          globalSetup: ['test/support/built-setup.ts'],
          testTimeout: 180_000,
        },
      },
      // Once, not per engine: they bring their own PostgreSQL and restart it under the service.
      ...(faults
        ? [
            {
              test: {
                name: 'faults',
                include: ['test/faults/**/*.test.ts'],
                globalSetup: ['test/support/built-setup.ts'],
                testTimeout: 120_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
      // The dashboard in Debian's Chromium against a real Gatehouse on PGlite (test/browser/README in
      // the main README), beside the other projects' files (a browser file waits on the page
      // most of its time).
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: 'pglite' },
          globalSetup: ['test/support/global-setup.ts', 'test/browser/support/build-dashboard.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      ...engines.map((engine) => ({
        test: {
          name: engine,
          include: ['test/integration/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: engine },
          globalSetup: ['test/support/global-setup.ts'],
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
