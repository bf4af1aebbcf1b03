import { defineConfig } from 'vitest/config';

// Integration tests run once per database engine, as separate vitest projects, so every
// line of the report says which engine it ran on. CI must not silently lose PostgreSQL.
const databaseUrl = process.env.DATABASE_URL;
if (process.env.CI === 'true' && !databaseUrl) {
  throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL half of the suite would be skipped');
}
const engines = ['pglite', ...(databaseUrl ? ['postgres'] : [])];

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      // Each process test starts the CLI cold (TypeScript load, PGlite) several times, beside
      // the rest of the suite on two cores: generous limits, so only a real hang fails.
      { test: { name: 'process', include: ['test/process/**/*.test.ts'], testTimeout: 180_000 } },
      ...engines.map((engine) => ({
        test: {
          name: engine,
          include: ['test/integration/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: engine },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
