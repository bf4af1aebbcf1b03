import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * React Router 7 ships a production build beside its development one, but its package exports
 * name only the development build (remix-run/react-router#14102), so without this the built
 * dashboard runs the router's development warnings and checks. The build takes the production
 * files; `npm run dev` keeps the warnings.
 */
const reactRouterProduction = join(
  dirname(createRequire(import.meta.url).resolve('react-router/package.json')),
  'dist/production/index.mjs',
);

// Built into the service's dist/ (served by src/http/dashboard.ts); in development the same
// config runs inside the service through Vite's middleware mode.
export default defineConfig(({ command }) => ({
  root,
  plugins: [react(), precompress()],
  resolve: command === 'build' ? { alias: [{ find: /^react-router$/, replacement: reactRouterProduction }] } : {},
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    manifest: true,
    chunkSizeWarningLimit: 1000,
  },
}));

const compressible = /\.(js|css|svg|json)$/;
const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Writes `<file>.gz` and `<file>.br` beside every script and stylesheet of the build, at the
 * highest levels (done once per build, not per request), for @fastify/static's `preCompressed`
 * (src/http/dashboard.ts). Source maps are left alone: only developer tools fetch them.
 */
export function precompress(): Plugin {
  return {
    name: 'gatehouse:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => compressible.test(name))
          .map(async (name) => {
            const path = join(dir, name);
            const raw = await readFile(path);
            const [gz, br] = await Promise.all([
              gzipAsync(raw, { level: 9 }),
              brotliAsync(raw, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                  [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
                },
              }),
            ]);
            // A tiny file can grow when compressed; the server then sends it as it is.
            if (gz.length < raw.length) await writeFile(`${path}.gz`, gz);
            if (br.length < raw.length) await writeFile(`${path}.br`, br);
          }),
      );
    },
  };
}
