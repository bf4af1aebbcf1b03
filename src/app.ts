import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import { securityHeaders } from './http/security-headers.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { type Database, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { LockOptions } from './db/data-dir-lock.js';
import { resolveSecretKey } from './config/secret-key.js';
import { resolvePlatformToken } from './config/platform-token.js';
import type { AppDeps } from './app-deps.js';
import { AccessService } from './access/access-service.js';
import { eventActor } from './audit/access-events.js';
import { assertServicePermissions } from './access/permissions.js';
import { actionOfRoute } from './audit/action-name.js';
import { RefusalLog } from './audit/refusals.js';
import { MailWorker, smtpTransport } from './mail/worker.js';
import { enqueueMail, type SendMail } from './mail/outbox.js';
import { requestContext } from './http/sensitive.js';
import { loadCatalog } from './catalog/catalog.js';
import {
  apiKeyAuthenticator,
  installAuthentication,
  platformTokenAuthenticator,
  refuseCredentialsInUrl,
} from './http/authenticate.js';
import { registerDashboard } from './http/dashboard.js';
import { registerRoutes } from './routes.js';
import { sessionAuthenticator, sessionCookieName, signedInMemberResolver } from './sessions/http.js';
import { systemClock, type Clock } from './shared/clock.js';
import { loggerOptions } from './http/logger.js';
import { installProblemHandlers } from './http/problems.js';
import { refuseUnrepresentableText } from './http/validation.js';
import { LazySchemas } from './http/lazy-schemas.js';
import { installDrain, serverTimeouts } from './http/shutdown.js';
import { clientErrorHandler, frameworkErrors, refuseLongUrls } from './http/client-errors.js';

export interface BuildOptions {
  /** Use this database instead of opening one from the config; the caller closes it. */
  database?: Database;
  /** How to wait for the embedded data directory's lock (see db/data-dir-lock.ts). */
  databaseLock?: LockOptions;
  clock?: Clock;
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
  /** Where log lines go (default stdout); tests capture them here. */
  logStream?: { write(line: string): void };
  /** Registers extra routes or hooks before the app is sealed (embedding, tests). */
  configure?: (app: FastifyInstance) => void | Promise<void>;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Builds the Fastify application without listening: opens (or adopts) the database,
 * applies migrations and registers every route. `server.ts` listens; tests use `inject()`.
 *
 * @example
 * const app = await buildApp(loadConfig({ NODE_ENV: 'test' }));
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  // A catalog that lacks a permission the service checks is refused before anything opens.
  const catalog = loadCatalog(config.catalogPath);
  assertServicePermissions(catalog);
  const ownsDatabase = options.database === undefined;
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      pgliteBufferMb: config.pgliteBufferMb,
      lock: options.databaseLock,
    }));
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
  // The change feed logs through the app's logger, which exists a few lines below.
  const access = new AccessService(
    database,
    catalog,
    { warn: (o, m) => app.log.warn(o, m), info: (o, m) => app.log.info(o, m) },
    { resourceBudget: config.authzResourceBudget },
  );
  await access.start();
  const clock = options.clock ?? systemClock;
  const secretKey = resolveSecretKey(config);
  // The worker logs through the app's logger, which exists a few lines below.
  const mailLog = {
    info: (o: object, m: string) => app.log.info(o, m),
    warn: (o: object, m: string) => app.log.warn(o, m),
    error: (o: object, m: string) => app.log.error(o, m),
  };
  const mail = new MailWorker({
    database,
    clock,
    secretKey,
    from: config.mailFrom,
    logger: mailLog as never,
    transport: config.smtpUrl ? smtpTransport(config.smtpUrl) : undefined,
  });
  const sendMail: SendMail = async (trx, message) =>
    void (await enqueueMail(trx, message, { config, secretKey, clock }));
  const refusals = new RefusalLog(database, clock, 60_000, (error) =>
    app.log.error({ err: error }, 'could not log a refusal'),
  );
  const deps: AppDeps = { config, database, clock, secretKey, catalog, access, mail, sendMail, refusals };

  const platformToken = resolvePlatformToken(config);
  const app = Fastify({
    logger: options.logStream ? { ...loggerOptions(config), stream: options.logStream } : loggerOptions(config),
    bodyLimit: 64 * 1024,
    ...serverTimeouts(config),
    trustProxy: config.trustProxy,
    // A caller-supplied id is kept only when it is harmless to echo and log.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { maxParamLength: 200 },
    // Errors raised before a route is found (by the router or Node's parser) answer
    // problem+json too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const schemas = new LazySchemas();
  app.setValidatorCompiler(schemas.validatorCompiler);
  app.setSerializerCompiler(schemas.serializerCompiler);
  refuseUnrepresentableText(app);
  app.decorateRequest('accountAccess', null);
  refusals.start();
  // The dashboard registers after the handlers (they must see every route); its page fallback
  // is set then.
  const dashboard: { page?: Parameters<typeof installProblemHandlers>[1]['notFoundPage'] } = {};
  installProblemHandlers(app, {
    notFoundPage: (request, reply) => dashboard.page?.(request, reply),
    // Every refusal inside an account is a security event (PRODUCT rule 10), collapsed per minute.
    onRefusal(request, error) {
      const access = request.accountAccess;
      if (!access) return;
      refusals.record({
        accountId: access.accountId,
        actor: eventActor(access),
        action: actionOfRoute(request.method, request.routeOptions.url ?? request.url),
        outcome: 'refused',
        errorCode: error.code,
        target: targetOfRequest(request.params),
        context: requestContext(request),
        at: deps.clock.now(),
      });
    },
  });
  // The first hook of all, so that a request a later hook refuses (a credential in the URL,
  // a bad API key) still answers with its id and the security headers.
  const responseHeaders = securityHeaders(config.publicUrl);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(responseHeaders);
    done();
  });
  refuseLongUrls(app);
  refuseCredentialsInUrl(app);
  // Cookies are parsed in an onRequest hook that must run before the authenticators'.
  await app.register(cookie);
  installAuthentication(app, {
    header: [apiKeyAuthenticator(deps), platformTokenAuthenticator(platformToken.token)],
    cookie: [sessionAuthenticator(deps)],
  });
  if (platformToken.generated) {
    app.log.warn(
      `Generated a platform token for development: ${platformToken.token}\n  It is shown this once and kept in ${platformToken.path}; set PLATFORM_TOKEN to use your own.`,
    );
  } else if (platformToken.path) {
    app.log.info(`The development platform token is kept in ${platformToken.path}`);
  }
  // Only JSON is accepted unless a route adds a parser (the bulk CSV upload does).
  app.removeContentTypeParser('text/plain');

  const drain = installDrain(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse API',
        version: '1.0.0',
        description:
          'Team and access management for merchant dashboards. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: sessionCookieName(config),
            description: 'Plus the x-csrf-token header on state-changing requests',
          },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key or the platform token' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerRoutes(app, deps);
  dashboard.page = await registerDashboard(app, {
    mode: config.dashboard,
    sessionCookie: sessionCookieName(config),
    signedInMember: signedInMemberResolver(deps),
  });
  await options.configure?.(app);

  app.addHook('onReady', async () => {
    await mail.start();
  });
  app.addHook('onClose', async () => {
    await mail.stop();
    await refusals.stop();
    await access.stop();
    if (ownsDatabase) await database.close();
  });

  return Object.assign(app, {
    deps,
    startDraining: () => drain.start(),
    /** Compiles every route schema not compiled yet (they are compiled on first use). */
    compileSchemas: () => schemas.compileAll(),
  });
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** The most specific record a route names (`/members/:memberId/...` → that member). */
function targetOfRequest(params: unknown): { type: string; id: string } | null {
  const p = (params ?? {}) as Record<string, string | undefined>;
  for (const [key, type] of [
    ['memberId', 'member'],
    ['roleId', 'role'],
    ['invitationId', 'invitation'],
    ['keyId', 'api_key'],
    ['contactId', 'contact'],
    ['profileId', 'profile'],
  ] as const) {
    if (p[key]) return { type, id: p[key] };
  }
  return null;
}
