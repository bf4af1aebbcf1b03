import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One chunk of Vite's build manifest (dist/dashboard/.vite/manifest.json). */
interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** The scripts and stylesheets a page needs beyond those index.html already names. */
export interface PagePreloads {
  scripts: string[];
  styles: string[];
}

/**
 * The API requests a signed-in page makes first, so that index.html can start them
 * (`<link rel=preload as=fetch>`) while the scripts download and compile; the page's own
 * fetch of the same URL then takes that response. Each URL must be the one the dashboard
 * builds, to the byte (test/browser/first-load.test.ts checks that none is asked twice): who
 * you are and, inside an account, your permissions there (dashboard/src/api/session.ts), and
 * on the members list its first page and the account's profiles
 * (dashboard/src/screens/members/queries.ts). `memberId` is the signed-in person's membership
 * in the URL's account, when the server knows it.
 */
export function pageRequests(url: string, signedIn: boolean, memberId?: string): string[] {
  if (!signedIn) return [];
  const [pathname = '/', search = ''] = url.split('?', 2);
  const accountPage = accountPath.exec(pathname);
  if (pathname !== '/' && pathname !== '/me/security' && !accountPage) return [];
  const requests = ['/v1/me'];
  if (!accountPage) return requests;
  const account = `/v1/accounts/${accountPage[1]}`;
  if (memberId !== undefined && /^[\w-]+$/.test(memberId)) requests.push(`${account}/members/${memberId}/permissions`);
  if (/^\/members\/?$/.test(accountPage[2] ?? '')) {
    const params = new URLSearchParams(search);
    // The list's query in the dashboard's order: its filters, the sort, then the page size.
    const query = [...(['q', 'status', 'roleId', 'profileId'] as const), 'sort']
      .map((name) => [name, params.get(name) || (name === 'sort' ? 'name' : '')] as const)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
    requests.push(`${account}/members?${[...query, 'limit=50'].join('&')}`, `${account}/profiles`);
  }
  return requests;
}

const accountPath = /^\/accounts\/([\w-]+)(\/.*)?$/;

/** The account a dashboard URL opens (`/accounts/:accountId/…`), if any. */
export function accountOfPage(url: string): string | undefined {
  return accountPath.exec(url.split('?', 1)[0] ?? '')?.[1];
}

const shell = 'src/app/Shell.tsx';
const personalSecurity = 'src/me/SecurityPage.tsx';

/**
 * Which code a signed-in page will load, read from the build's manifest, so that index.html
 * can name it (`<link rel=modulepreload>`) and the browser fetches it beside the entry script.
 * Otherwise the page's own code starts those downloads (the signed-in frame and the screen, some
 * 30 small files) only once the entry script has arrived and run.
 *
 * Account screens follow the dashboard's layout: `/accounts/:id/<name>/…` is the page module
 * under `src/screens/<name>/` that the entry imports lazily, and the account's home is
 * `src/screens/overview/`. Returns undefined when the build has no manifest.
 */
export function readPagePreloads(
  dashboardDist: string,
): ((pathname: string, signedIn: boolean) => PagePreloads) | undefined {
  const path = join(dashboardDist, '.vite', 'manifest.json');
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk>;
  const entry = manifest['index.html'];
  if (!entry) return undefined;
  const inEntry = staticClosure(manifest, ['index.html']);
  const lazyModules = entry.dynamicImports ?? [];
  const screenModule = (name: string) => lazyModules.find((key) => key.startsWith(`src/screens/${name}/`));

  const memo = new Map<string, PagePreloads>();
  const preloadsOf = (modules: (string | undefined)[]): PagePreloads => {
    const known = modules.filter((key): key is string => key !== undefined && key in manifest);
    const cacheKey = known.join(' ');
    let preloads = memo.get(cacheKey);
    if (!preloads) {
      const keys = [...staticClosure(manifest, known)].filter((key) => !inEntry.has(key));
      preloads = {
        scripts: keys.map((key) => `/${manifest[key].file}`),
        styles: [...new Set(keys.flatMap((key) => manifest[key].css ?? []))].map((file) => `/${file}`),
      };
      memo.set(cacheKey, preloads);
    }
    return preloads;
  };

  return (pathname, signedIn) => {
    const accountPage = /^\/accounts\/[^/]+(?:\/([^/]+))?/.exec(pathname);
    const isSignedInPage = pathname === '/' || accountPage !== null || pathname === '/me/security';
    // Signed-out pages are left as they were: their one small chunk, preloaded, competed with
    // the entry script for this machine's two cores and the sign-in page painted ~10% later
    // (bench/README.md, bench:dashboard).
    if (!signedIn || !isSignedInPage) return preloadsOf([]);
    if (pathname === '/me/security') return preloadsOf([shell, personalSecurity]);
    return preloadsOf([shell, screenModule(accountPage?.[1] ?? 'overview')]);
  };
}

/** The chunks `roots` import statically, themselves included. */
function staticClosure(manifest: Record<string, ManifestChunk>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  roots.forEach(visit);
  return seen;
}
