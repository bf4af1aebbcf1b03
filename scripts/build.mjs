// Transpiles src/ to dist/ with esbuild (types are checked by `npm run typecheck`,
// not here), so `npm start` is ready in about a second. The dashboard is built into
// dist/dashboard by Vite only when its sources changed since the last build (build-dashboard.mjs).
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { buildDashboard } from './build-dashboard.mjs';
import { join } from 'node:path';
import process from 'node:process';

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Newest modification time under `path`, directories included: a file removed or renamed
 * changes its directory's time, so a stale output is noticed for deletions too.
 */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/**
 * Whether `stamp` (written after the last successful build) is newer than every input:
 * `npm start` then skips the build, which costs more than the start itself on a busy
 * machine. `--force` (or deleting dist/) always rebuilds.
 */
function upToDate(inputs, stamp) {
  if (process.argv.includes('--force') || !existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs > Math.max(...inputs.map(newestMtime));
}

const serverStamp = 'dist/.built';
if (!upToDate(['src', 'scripts/build.mjs', 'package-lock.json'], serverStamp)) {
  // Loaded only when needed: starting esbuild's service is most of a skipped build's time.
  const { build } = await import('esbuild');
  for (const name of existsSync('dist') ? readdirSync('dist') : []) {
    if (name !== 'dashboard') rmSync(join('dist', name), { recursive: true, force: true });
  }
  await build({
    entryPoints: tsFiles('src'),
    outdir: 'dist',
    outbase: 'src',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(serverStamp, `${new Date().toISOString()}\n`);
}

await buildDashboard();
