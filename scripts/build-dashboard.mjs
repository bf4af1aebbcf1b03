// Builds the dashboard (dashboard/) into dist/dashboard with Vite, only when its sources or
// the lockfile changed since the last build, so `npm start` stays fast.
import console from 'node:console';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path);
    return [path];
  });
}

/** The digest of everything the built dashboard depends on (shared error codes included). */
function sourceDigest() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(join(root, 'dashboard')).sort(),
    join(root, 'src/shared/errors.ts'),
    join(root, 'package-lock.json'),
  ];
  for (const path of inputs) hash.update(path.slice(root.length)).update('\0').update(readFileSync(path));
  return hash.digest('hex');
}

export async function buildDashboard() {
  if (!existsSync(join(root, 'dashboard'))) return;
  const digest = sourceDigest();
  const stamp = join(root, 'dist', 'dashboard', '.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies: the dashboard must have been built beforehand.
    console.warn('build: vite is not installed; the dashboard was not rebuilt');
    return;
  }
  // Whoever calls (vitest sets NODE_ENV=test) the dashboard ships React's production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ configFile: join(root, 'dashboard', 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, digest);
}
