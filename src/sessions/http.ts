import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Actor } from '../access/actor.js';
import { type Authenticator, constantTimeEqual } from '../http/authenticate.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { findActiveMemberId } from '../members/store.js';
import { csrfTokenFor, touchSession, type ValidSession, validateSessionToken } from './service.js';

/**
 * The header that must carry the session's CSRF token on every state-changing cookie
 * request.
 */
export const csrfHeader = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set to false on routes that anonymous callers use (sign-in, password reset): they do
     * not act with the session, so a cookie without a CSRF token does not stop them.
     */
    csrf?: boolean;
  }
}

/**
 * The session cookie's name: `__Host-` (ASVS 5.0 V3.3.3: Secure, no Domain, Path=/) over
 * https; in development over plain http browsers would refuse that prefix and the Secure
 * flag, so both are dropped there.
 */
export function sessionCookieName(config: Pick<Config, 'publicUrl'>): string {
  return isHttps(config) ? '__Host-gatehouse_session' : 'gatehouse_session';
}

function isHttps(config: Pick<Config, 'publicUrl'>): boolean {
  return !config.publicUrl.startsWith('http://');
}

// HttpOnly (V3.3.4), SameSite=Lax (V3.3.2), Secure (V3.3.1). No Max-Age: the server decides
// when a session ends, the browser forgets it when it closes.
function cookieOptions(config: Pick<Config, 'publicUrl'>): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(config) };
}

export function setSessionCookie(reply: FastifyReply, config: Pick<Config, 'publicUrl'>, token: string): void {
  void reply.setCookie(sessionCookieName(config), token, cookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, config: Pick<Config, 'publicUrl'>): void {
  void reply.clearCookie(sessionCookieName(config), cookieOptions(config));
}

const resolved = new WeakMap<FastifyRequest, ValidSession>();

/**
 * The session behind the request's cookie, whatever its stage (a pending sign-in included),
 * or undefined. Full sessions also appear as `request.actor`; pending ones never do.
 */
export function requestSession(request: FastifyRequest): ValidSession | undefined {
  return resolved.get(request);
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Recognises the session cookie. A fully signed-in session becomes the `user` actor; a
 * pending one (password only) sets `request.pendingSignIn` and no actor, so no route but the
 * next sign-in step accepts it. Every state-changing request made with the cookie must carry
 * the session's CSRF token in `x-csrf-token` (ASVS 5.0 V3.5.1), compared in constant time;
 * a wrong or missing one is 403 `auth.csrf`, never a silent fall-back to anonymous.
 */
export function sessionAuthenticator(deps: {
  config: Config;
  database: Database;
  clock: Clock;
  secretKey: Buffer;
}): Authenticator {
  const sessionOf = cookieSession(deps);
  return async (request): Promise<Actor | null> => {
    const db = deps.database.db;
    const now = deps.clock.now();
    const session = await sessionOf(request, now);
    if (!session) return null;
    if (!safeMethods.has(request.method) && request.routeOptions.config.csrf !== false) {
      const given = request.headers[csrfHeader];
      if (typeof given !== 'string' || !constantTimeEqual(given, csrfTokenFor(deps.secretKey, session.tokenHash))) {
        throw new AppError(
          'auth.csrf',
          `Send the session's CSRF token (from sign-in or GET /v1/me) in the ${csrfHeader} header`,
        );
      }
    }
    resolved.set(request, session);
    await touchSession(db, session, now);
    if (session.stage !== 'active') {
      request.pendingSignIn = { sessionId: session.id, userId: session.userId, next: session.stage };
      return null;
    }
    return { type: 'user', userId: session.userId, sessionId: session.id, secondFactorAt: session.secondFactorAt };
  };
}

/** The session the request's cookie names, if the cookie is well formed and the session live. */
function cookieSession(deps: {
  config: Config;
  database: Database;
}): (request: FastifyRequest, now: Date) => Promise<ValidSession | null> {
  const name = sessionCookieName(deps.config);
  return async (request, now) => {
    const token = request.cookies[name];
    if (token === undefined || !tokenPattern.test(token)) return null;
    return validateSessionToken(deps.database.db, token, now);
  };
}

/**
 * The member id of the request's signed-in person in `accountId`, when the session cookie
 * names an active session and an active membership there; undefined otherwise. It does not
 * touch the session (only the lookup's own clean-up of an expired one): the dashboard's page
 * uses it to start that member's permissions request early, and the request itself is then
 * checked like any other.
 */
export function signedInMemberResolver(deps: {
  config: Config;
  database: Database;
  clock: Clock;
}): (request: FastifyRequest, accountId: string) => Promise<string | undefined> {
  const sessionOf = cookieSession(deps);
  return async (request, accountId) => {
    const session = await sessionOf(request, deps.clock.now());
    if (!session || session.stage !== 'active') return undefined;
    return findActiveMemberId(deps.database.db, accountId, session.userId);
  };
}
