import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { type PagePreloads, pagePath, pageRequests, readPagePreloads } from './dashboard-preload.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withTimeout } from '../shared/with-timeout.js';

/** Where `npm run build` puts the dashboard (see scripts/build.mjs). */
export const dashboardDist = resolve(import.meta.dirname, '../../dist/dashboard');
const dashboardRoot = resolve(import.meta.dirname, '../../dashboard');

/** How long a page waits for the signed-in member's id before it is sent without it. */
const memberLookupBudgetMs = 100;

/** Paths that always belong to the service: a miss there is a problem+json 404, never the app. */
const servicePaths = /^\/(v1|docs|healthz|openapi\.json)(\/|$|\?)/;

export interface DashboardMode {
  /**
   * `dev` serves the sources through Vite with hot reload (npm run dev); `built` serves
   * dist/dashboard.
   */
  mode: 'built' | 'dev' | 'off';
  /** The session cookie's name: its presence says which code a page will need first. */
  sessionCookie: string;
  /** The signed-in person's member id in an account, to start their permissions request early. */
  signedInMember?: (request: FastifyRequest, accountId: string) => Promise<string | undefined>;
}

/**
 * Serves the single-page dashboard on the service's own origin: hashed assets from
 * dist/dashboard, and index.html for any other page a browser asks for (history routing, and
 * every link Gatehouse mails). Returns the not-found fallback that problems.ts consults.
 */
export async function registerDashboard(
  app: FastifyInstance,
  options: DashboardMode,
): Promise<(request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  if (options.mode === 'dev') return registerViteDev(app);
  const index = join(dashboardDist, 'index.html');
  if (options.mode === 'off' || !existsSync(index)) {
    if (options.mode !== 'off') app.log.warn('The dashboard is not built (dist/dashboard): run `npm run build`');
    return () => undefined;
  }
  const indexHtml = readFileSync(index, 'utf8');
  const pagePreloads = readPagePreloads(dashboardDist);
  const pages = new WeakMap<PagePreloads, string>();
  const pageHtml = (preloads: PagePreloads) => {
    let html = pages.get(preloads);
    if (html === undefined) {
      html = withPreloads(indexHtml, preloads);
      pages.set(preloads, html);
    }
    return html;
  };
  // wildcard: false registers one route per file, so no catch-all route hides the API's 404s.
  // preCompressed: the build writes .br and .gz beside each script and stylesheet
  // (dashboard/vite.config.ts); a browser gets the one its Accept-Encoding names, others the
  // plain file. They are looked up by the plain file's route, so they get no route of their own.
  await app.register(fastifyStatic, {
    root: dashboardDist,
    wildcard: false,
    index: false,
    serve: true,
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz', '**/.vite/**'],
  });
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/') || reply.statusCode !== 200) return;
    // Hashed file names never change content: cache them for good (everything else is no-store).
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    // One URL, several encodings: a shared cache must not hand the Brotli body to a client
    // that asked for gzip or nothing.
    reply.header('vary', 'accept-encoding');
  });
  return (request, reply) => {
    if (!wantsPage(request)) return undefined;
    const [pathname = '/', search = ''] = request.url.split('?', 2);
    const page = pagePath(pathname);
    const hasSession = Boolean(request.cookies[options.sessionCookie]);
    const preloads = pagePreloads?.(page, hasSession);
    const html = preloads ? pageHtml(preloads) : indexHtml;
    const accountId = hasSession ? page.accountId : undefined;
    const send = (memberId?: string) =>
      reply
        .code(200)
        .type('text/html; charset=utf-8')
        .send(withRequests(html, pageRequests(page, search, hasSession, memberId)));
    if (!accountId || !options.signedInMember) return send();
    // The page is sent either way, without the member id (the page then asks for it) if the
    // lookup fails or is slow: a database that is down must not hold up the page that says so.
    void withTimeout(options.signedInMember(request, accountId), memberLookupBudgetMs).then(send, () => send());
    return reply;
  };
}

/** index.html naming the page's own scripts and stylesheets, so they download beside the entry. */
function withPreloads(indexHtml: string, preloads: PagePreloads): string {
  const links = [
    ...preloads.styles.map((href) => `<link rel="stylesheet" crossorigin href="${href}">`),
    ...preloads.scripts.map((href) => `<link rel="modulepreload" crossorigin href="${href}">`),
  ];
  return links.length === 0 ? indexHtml : indexHtml.replace('</head>', `${links.join('\n')}\n</head>`);
}

/**
 * index.html starting the page's first API requests (see pageRequests), named after its scripts
 * and stylesheets: the browser sends requests in that order over HTTP/1.1's six connections,
 * and the entry script, the longest path to the first paint, waited behind them (it arrived
 * at ~400 ms instead of ~200 ms; bench/README.md, bench:dashboard).
 */
function withRequests(html: string, urls: string[]): string {
  if (urls.length === 0) return html;
  // The URL comes from the request's own path: escaped, it cannot leave the attribute.
  const links = urls.map((url) => `<link rel="preload" as="fetch" crossorigin href="${escapeAttribute(url)}">`);
  return html.replace('</head>', () => `${links.join('\n')}\n</head>`);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (servicePaths.test(request.url)) return false;
  // A missing script or image must stay a 404, not an HTML page the browser cannot use.
  if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0] ?? '')) return false;
  return true;
}

/**
 * Development: Vite in middleware mode inside this server (one origin, hot reload over the
 * same port). Vite is a dev dependency, so it is loaded only here.
 */
async function registerViteDev(app: FastifyInstance) {
  const { createServer } = await import('vite');
  const vite = await createServer({
    root: dashboardRoot,
    configFile: join(dashboardRoot, 'vite.config.ts'),
    appType: 'spa',
    server: { middlewareMode: true, hmr: { server: app.server } },
  });
  app.addHook('onClose', async () => vite.close());
  app.addHook('onRequest', (request, reply, done) => {
    if (servicePaths.test(request.url)) return done();
    // Vite's inline React-refresh preamble and its websocket need a looser policy than the
    // built app; this header exists only in development.
    reply.raw.setHeader(
      'content-security-policy',
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:",
    );
    reply.hijack();
    vite.middlewares(request.raw, reply.raw, () => {
      reply.raw.statusCode = 404;
      reply.raw.end();
    });
  });
  return () => undefined;
}
