import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Db } from './database.js';

/** The repository's `migrations/` folder, from src/db or dist/db alike. */
export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * One ordered set of plain SQL files (`0001_name.sql`), shared by PGlite and PostgreSQL.
 * Released files are never edited: a change is a new file.
 */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const name of migrationNames(this.dir)) {
      const text = readFileSync(`${this.dir}${name}.sql`, 'utf8');
      migrations[name] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

/** The migration files' names (without `.sql`), in order. */
function migrationNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((file) => file.replace(/\.sql$/, ''));
}

/**
 * Whether the database has applied exactly the folder's migrations, read in one query.
 * Kysely's migrator first inspects the catalog and takes its lock, ~0.45 s on an embedded
 * database at every start (bench/README.md, issue 17.6); anything but an exact match (a
 * first start, a pending file, a database newer than this code) goes through it.
 */
async function appliedExactly(db: Db, dir: string): Promise<boolean> {
  let applied: string[];
  try {
    const result = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(db);
    applied = result.rows.map((row) => row.name);
  } catch {
    return false; // no migration table yet, or another fault the migrator will report
  }
  const names = migrationNames(dir);
  return applied.length === names.length && names.every((name, index) => applied[index] === name);
}

function migrator(db: Db, dir = migrationsDir): Migrator {
  // Kysely runs all pending files in one transaction under pg_advisory_xact_lock, so two
  // instances starting together serialise here and the second finds nothing to do.
  return new Migrator({
    db,
    provider: new SqlFileMigrationProvider(dir),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/** Applies every pending migration; returns the names it applied (empty when current). */
export async function migrateToLatest(db: Db, dir = migrationsDir): Promise<string[]> {
  if (await appliedExactly(db, dir)) return [];
  const { error, results } = await migrator(db, dir).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '(setup)'} failed: ${String((error as Error).message ?? error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Names of migrations in the folder that the database has not applied yet. */
export async function pendingMigrations(db: Db, dir?: string): Promise<string[]> {
  const all = await migrator(db, dir).getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
