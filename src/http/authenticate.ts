import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ApiKeysDeps, authenticateKey } from '../api-keys/service.js';
import { keyPrefix } from '../api-keys/format.js';
import { AppError } from '../shared/app-error.js';
import type { Actor } from '../access/actor.js';

/**
 * One way of recognising a caller. Returns the actor, or null when the request does not
 * carry this kind of credential (a promise of either when it must look something up).
 * Throws (or rejects with) an AppError when it carries one that is wrong (a bad token must
 * not fall through to "anonymous").
 */
export type Authenticator = (request: FastifyRequest) => Actor | null | Promise<Actor | null>;

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

// One-shot hashing: a Hash object per request cost ~40% more (bench/README.md).
const digest = (value: string) => hash('sha256', value, 'buffer');

/** Compares through fixed-length digests, so neither content nor length leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const platformActor: Actor = Object.freeze({ type: 'platform' });

export function platformTokenAuthenticator(platformToken: string | undefined): Authenticator {
  // The configured token's digest is computed once; each request hashes only what it sent.
  const expected = platformToken === undefined ? undefined : digest(platformToken);
  return (request) => {
    const token = bearerToken(request);
    if (token === null || expected === undefined) return null;
    return timingSafeEqual(digest(token), expected) ? platformActor : null;
  };
}

/**
 * Sets `request.actor` on every API request (null for anonymous callers; routes decide whether
 * that is enough). Outside `/v1/` nothing acts for anyone (the dashboard's pages and files,
 * /healthz, the docs), so no credential is looked up there: a page's thirty script files would
 * otherwise read its session thirty times before it can paint. A request with an Authorization header is judged by that header alone:
 * an API key or the platform token, or 401 `auth.invalid_credentials`, whatever the value's
 * shape and whatever else the request carries. A wrong guess must not answer otherwise than
 * another wrong guess (`auth.required` for one shape would tell guessers which shapes are
 * checked), nor fall through to a session cookie beside it. Without the header, the cookie
 * authenticators run.
 */
export function installAuthentication(
  app: FastifyInstance,
  authenticators: { header: Authenticator[]; cookie: Authenticator[] },
): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('pendingSignIn', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    const byHeader = request.headers.authorization !== undefined;
    for (const authenticate of byHeader ? authenticators.header : authenticators.cookie) {
      const actor = await authenticate(request);
      if (actor) {
        request.actor = actor;
        return;
      }
    }
    if (byHeader) throw new AppError('auth.invalid_credentials');
  });
}

export { bearerToken };

/**
 * Bearer tokens that look like Gatehouse API keys are checked as keys, and only as keys (a
 * key-shaped value that is no key is refused here, never compared with the platform token).
 */
export function apiKeyAuthenticator(deps: ApiKeysDeps): Authenticator {
  return (request) => {
    const token = bearerToken(request);
    if (token === null || !token.startsWith(keyPrefix)) return null;
    return authenticateKey(deps, token);
  };
}

const credentialInUrl = new RegExp(`${keyPrefix}|[?&](api_?key|access_token|token|key|password)=`, 'i');

/**
 * Secrets never travel in a URL (they end up in logs, history and Referer headers): a
 * request carrying something that looks like one is refused before anything else.
 */
export function refuseCredentialsInUrl(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (credentialInUrl.test(request.url)) {
      throw new AppError(
        'request.key_in_query',
        'Send credentials in the Authorization header or the JSON body, never in the URL',
      );
    }
  });
}
