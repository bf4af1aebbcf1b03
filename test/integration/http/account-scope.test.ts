import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

describe('the account scope', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('refuses to start with an account route registered outside it (no tenant check would guard it)', async () => {
    const app = await buildApp(testConfig(), {
      database,
      configure: (app) => {
        app.get('/v1/accounts/:accountId/reports', async () => ({ everything: true }));
      },
    });
    try {
      await expect(app.ready()).rejects.toThrow(
        /Account routes registered outside the account scope .*GET \/v1\/accounts\/:accountId\/reports/,
      );
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  it('lets other routes be added beside it', async () => {
    const app = await buildApp(testConfig(), {
      database,
      configure: (app) => {
        app.get('/v1/extra', async () => ({ ok: true }));
      },
    });
    try {
      await app.ready();
      expect((await app.inject({ method: 'GET', url: '/v1/extra' })).json()).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });
});
