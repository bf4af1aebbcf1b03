import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { initialisePGliteDir } from './pglite-templates.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An initialised, unmigrated PGlite data directory, for a test's DATA_DIR/pgdata. */
    processPgdataTemplate: string;
  }
}

/** Where the test fixtures run as processes are built to, beside the service's own build. */
export const builtFixtures = 'dist/test-fixtures';

/**
 * Tests that run Gatehouse as processes run what `npm start` runs: dist/, built here when a
 * source changed (scripts/build.mjs skips it otherwise). Under tsx every start of the CLI
 * transpiled and loaded TypeScript through loader hooks: ~3 s of CPU instead of ~1 s, which
 * on a busy machine pushed a create-account past a minute.
 */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  // The fixture servers import src/: bundled with it, their packages left to node_modules.
  await build({
    entryPoints: ['test/fixtures/slow-server.ts'],
    outdir: builtFixtures,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  if (project.name !== 'process') {
    project.provide('processPgdataTemplate', '');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-process-tpl-'));
  project.provide('processPgdataTemplate', await initialisePGliteDir(join(root, 'pgdata')));
  return () => rmSync(root, { recursive: true, force: true });
}
