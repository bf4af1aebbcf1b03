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

/** Where a dashboard path leads, as far as what the page loads first goes. */
export interface PagePath {
  pathname: string;
  /** `/`, `/me/security` or a page inside an account: the pages that need a session. */
  needsSession: boolean;
  /** The account's id, when the path is inside one and the id is well formed (it goes into URLs). */
  accountId?: string;
  /** Inside an account, the path after its id (`/members`, `/members/mem_1`, or `''`). */
  inAccount?: string;
}

export function pagePath(pathname: string): PagePath {
  const account = /^\/accounts\/([^/]+)(\/.*)?$/.exec(pathname);
  return {
    pathname,
    needsSession: pathname === '/' || pathname === '/me/security' || account !== null,
    accountId: account && /^[\w-]+$/.test(account[1]) ? account[1] : undefined,
    inAccount: account ? (account[2] ?? '') : undefined,
  };
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
export function pageRequests(page: PagePath, search: string, hasSession: boolean, memberId?: string): string[] {
  if (!hasSession || !page.needsSession) return [];
  // An account id that is not well formed is no page of anyone's: nothing is asked for it.
  if (page.inAccount !== undefined && page.accountId === undefined) return [];
  const requests = ['/v1/me'];
  if (page.accountId === undefined) return requests;
  const account = `/v1/accounts/${page.accountId}`;
  if (memberId !== undefined && /^[\w-]+$/.test(memberId)) requests.push(`${account}/members/${memberId}/permissions`);
  if (/^\/members\/?$/.test(page.inAccount ?? '')) {
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
): ((page: PagePath, hasSession: boolean) => PagePreloads) | undefined {
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

  return (page, hasSession) => {
    // Signed-out pages are left as they were: their one small chunk, preloaded, competed with
    // the entry script for this machine's two cores and the sign-in page painted ~10% later
    // (bench/README.md, bench:dashboard).
    if (!hasSession || !page.needsSession) return preloadsOf([]);
    if (page.pathname === '/me/security') return preloadsOf([shell, personalSecurity]);
    return preloadsOf([shell, screenModule(page.inAccount?.split('/')[1] || 'overview')]);
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
