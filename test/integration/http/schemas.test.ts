import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// Route schemas are compiled on first use (src/http/lazy-schemas.ts), so a start does not
// prove them sound: this file does, for every route the service registers.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

let app: App | undefined;
afterAll(async () => {
  await app?.close();
});

it('compiles every route’s request validators and response serializers', async () => {
  app = await buildApp(testConfig(), { database });
  await app.ready();
  // Two requests compile what they use; the rest is still pending.
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const invalid = await app.inject({ method: 'POST', url: '/v1/session', payload: { email: 'not an address' } });
  expect(invalid.statusCode).toBe(400);
  expect(invalid.json().errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/password/) })]),
  );
  const pending = app.compileSchemas();
  // Well over a hundred routes, each with a validator or two and several response schemas.
  expect(pending).toBeGreaterThan(500);
  expect(app.compileSchemas()).toBe(0);
});

it('finds a broken schema when compiling them all, though the service starts', async () => {
  const broken = await buildApp(testConfig(), {
    database,
    configure(instance) {
      instance.post(
        '/test/broken',
        { schema: { body: { type: 'object', properties: { a: { type: 'nope' } } } } },
        () => ({}),
      );
    },
  });
  try {
    await broken.ready();
    expect(() => broken.compileSchemas()).toThrow(/nope|type/);
  } finally {
    await broken.close();
  }
});
