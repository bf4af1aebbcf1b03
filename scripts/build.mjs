// Transpiles src/ to dist/ with esbuild (types are checked by `npm run typecheck`,
// not here), so `npm start` is ready in about a second. The dashboard is built into
// dist/dashboard by Vite only when its sources changed since the last build (build-dashboard.mjs).
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { buildDashboard } from './build-dashboard.mjs';
import { join } from 'node:path';

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

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

await buildDashboard();
