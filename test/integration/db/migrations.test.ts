import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { migrateToLatest, migrationsDir, pendingMigrations } from '../../../src/db/migrate.js';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, engine, type TestDatabase } from '../../support/database.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ empty: true });
  cleanups.push(() => database.drop());
  return database;
}

describe(`migrations on ${engine}`, () => {
  it('applies every migration once, and a second run is a no-op', async () => {
    const database = await emptyDatabase();
    const first = await migrateToLatest(database.db);
    expect(first.length).toBeGreaterThan(0);
    expect(await migrateToLatest(database.db)).toEqual([]);
    expect(await pendingMigrations(database.db)).toEqual([]);
    const recorded = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(database.db);
    expect(recorded.rows.map((row) => row.name)).toEqual(first);
  });

  it('applies a file added since the last start, and refuses a database newer than the code', async () => {
    const database = await emptyDatabase();
    const files = readdirSync(migrationsDir)
      .filter((name) => name.endsWith('.sql'))
      .sort();
    // The code as it was one migration ago: every file but the newest.
    const older = mkdtempSync(join(tmpdir(), 'gatehouse-migrations-'));
    cleanups.push(async () => rmSync(older, { recursive: true, force: true }));
    for (const file of files.slice(0, -1)) copyFileSync(join(migrationsDir, file), join(older, file));
    expect(await migrateToLatest(database.db, `${older}/`)).toHaveLength(files.length - 1);
    expect(await migrateToLatest(database.db, `${older}/`)).toEqual([]);
    // The upgrade: the newest file alone is applied, not taken as already done.
    expect(await migrateToLatest(database.db)).toEqual([files.at(-1)!.replace(/\.sql$/, '')]);
    // Going back to the older code on the upgraded database is refused, not served.
    await expect(migrateToLatest(database.db, `${older}/`)).rejects.toThrow(/missing/i);
  });

  it.runIf(engine === 'postgres')(
    'lets two instances migrate at once: both come up, each migration applied once',
    async () => {
      const database = await emptyDatabase();
      const second = await openDatabase({ databaseUrl: database.url, poolSize: 2 });
      cleanups.push(() => second.close());
      const [a, b] = await Promise.all([migrateToLatest(database.db), migrateToLatest(second.db)]);
      // One instance applied everything, the other waited on the advisory lock and found nothing to do.
      expect([a.length, b.length].sort()).toEqual([
        0,
        (await sql`select 1 from schema_migrations`.execute(database.db)).rows.length,
      ]);
      const apps = await Promise.all([database, second].map((db) => buildApp(testConfig(), { database: db })));
      for (const app of apps) {
        expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
        await app.close();
      }
    },
  );
});

describe(`/readyz on ${engine}`, () => {
  it('is 503 naming the pending migrations when the schema is behind', async () => {
    const database = await emptyDatabase();
    const app = await buildApp(testConfig(), { database, migrate: false });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      code: 'service.unavailable',
      detail: expect.stringContaining('Migrations pending: 0001_'),
    });
    await app.close();
  });

  it('is 200 when ready and 503 once the database is unreachable, while /healthz stays 200', async () => {
    const database = await createTestDatabase();
    const app = await buildApp(testConfig(), { database });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await database.drop();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('service.unavailable');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
