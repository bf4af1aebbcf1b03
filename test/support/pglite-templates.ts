import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPGlite, openPGlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface PGliteTemplates {
  /** A data directory as PGlite's initdb leaves it: no tables, migrations still to apply. */
  initialised: string;
  /** The same, migrated to the latest schema. */
  migrated: string;
}

/** Runs PGlite's initdb in `dir` (a new directory), and returns `dir`. */
export async function initialisePGliteDir(dir: string): Promise<string> {
  await (await createPGlite(dir)).close();
  return dir;
}

/**
 * PGlite's initdb costs 5–8 s of CPU (20–30 s on a busy two-core machine) and a copy of its
 * result ~0.1 s: it runs once per test run here, and every test that needs a data directory,
 * even an empty one, starts from a copy.
 */
export async function makePGliteTemplates(root: string): Promise<PGliteTemplates> {
  const initialised = join(root, 'initialised');
  const migrated = join(root, 'migrated');
  mkdirSync(root, { recursive: true });
  await initialisePGliteDir(initialised);
  cpSync(initialised, migrated, { recursive: true });
  const database = await openPGlite(await createPGlite(migrated));
  await migrateToLatest(database.db);
  await database.close();
  return { initialised, migrated };
}
