import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type Database, openDatabase, createPGlite, openPGlite } from '../../src/db/database.js';
import { adminQuery, databaseUrlFor } from './postgres-admin.js';

export type Engine = 'pglite' | 'postgres';
export const engine = (process.env.GATEHOUSE_TEST_DB ?? 'pglite') as Engine;

export interface TestDatabase extends Database {
  /** PostgreSQL URL of this database (postgres engine only), for a second app instance. */
  url: string | undefined;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of the engine under test, cloned from the template. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (engine === 'postgres') {
    const name = `gatehouse_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(
      options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplateDb')}`,
    );
    const url = databaseUrlFor(name);
    const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
    return {
      ...database,
      url,
      async drop() {
        await database.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-db-'));
  const dir = join(root, 'pgdata');
  cpSync(inject(options.empty ? 'pgliteEmptyTemplateDir' : 'pgliteTemplateDir'), dir, { recursive: true });
  const database = await openPGlite(await createPGlite(dir));
  return {
    ...database,
    url: undefined,
    async drop() {
      await database.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
