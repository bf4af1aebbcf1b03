import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/db/migrate.js';
import { makePGliteTemplates } from './pglite-templates.js';
import { adminQuery, databaseUrlFor } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    pgliteEmptyTemplateDir: string;
    postgresTemplateDb: string;
  }
}

/**
 * Migrates one template per engine before any test file runs; each file then clones it
 * (a directory copy for PGlite, CREATE DATABASE … TEMPLATE for PostgreSQL) in ~100 ms.
 */
export default async function setup(project: TestProject) {
  if (project.name === 'postgres') {
    const name = `gatehouse_tpl_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const { openDatabase } = await import('../../src/db/database.js');
    const database = await openDatabase({ databaseUrl: databaseUrlFor(name), poolSize: 1 });
    await migrateToLatest(database.db);
    await database.close();
    project.provide('postgresTemplateDb', name);
    project.provide('pgliteTemplateDir', '');
    project.provide('pgliteEmptyTemplateDir', '');
    return async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    };
  }
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const templates = await makePGliteTemplates(root);
  project.provide('pgliteTemplateDir', templates.migrated);
  project.provide('pgliteEmptyTemplateDir', templates.initialised);
  project.provide('postgresTemplateDb', '');
  return () => rmSync(root, { recursive: true, force: true });
}
