import { sql } from 'kysely';
import { generate } from 'otplib';
import { hashPassword } from '../../src/auth/password.js';
import { sealTotpSecret } from '../../src/auth/totp-seed.js';
import { newTotpSecret } from '../../src/auth/totp.js';
import type { App } from '../../src/app.js';
import { sessionCookieName } from '../../src/sessions/http.js';
import { normaliseEmail } from '../../src/shared/email.js';
import { newId } from '../../src/shared/ids.js';
import { TestClock } from './clock.js';

export const testPassword = 'correct horse battery staple';

export interface TestUserOptions {
  email?: string;
  password?: string;
  name?: string;
  /** Give the user an enrolled TOTP secret (default true). */
  totp?: boolean;
  /** Also create an account the user owns (active owner membership). */
  account?:
    boolean | { name?: string; requireTwoFactor?: boolean; sessionIdleMinutes?: number; sessionAbsoluteHours?: number };
  /** Or make the user an active member (not owner) of this existing account. */
  accountId?: string;
  /** Built-in role for `accountId` memberships (default view_only). */
  builtinRole?: string;
}

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  /** Base32 TOTP seed, null when not enrolled. */
  totpSecret: string | null;
  accountId: string | undefined;
  memberId: string | undefined;
}

export interface TestSession extends TestUser {
  /** `name=token`, ready for a `cookie` header. */
  cookie: string;
  token: string;
  csrf: string;
  /** cookie + x-csrf-token, for `app.inject({ headers })`. */
  headers: { cookie: string; 'x-csrf-token': string };
  next: 'second_factor' | 'enrol_totp' | 'done';
}

const hashes = new Map<string, Promise<string>>();

/** Inserts a user directly (password hashed, TOTP sealed as the service would), plus the account and membership asked for. */
export async function createUser(app: App, options: TestUserOptions = {}): Promise<TestUser> {
  const db = app.deps.database.db;
  const userId = newId('usr');
  const email = normaliseEmail(options.email ?? `${userId}@example.com`);
  const password = options.password ?? testPassword;
  const passwordHash = await (hashes.get(password) ?? hashes.set(password, hashPassword(password)).get(password)!);
  const totpSecret = options.totp === false ? null : newTotpSecret();
  await sql`insert into users (id, email, name, password_hash, totp_secret_encrypted, totp_enabled_at)
            values (${userId}, ${email}, ${options.name ?? 'Test ' + userId.slice(-4)}, ${passwordHash},
                    ${totpSecret ? sealTotpSecret(app.deps.secretKey, userId, totpSecret) : null},
                    ${totpSecret ? app.deps.clock.now() : null})`.execute(db);
  let accountId = options.accountId;
  let memberId: string | undefined;
  if (options.account) {
    const settings = typeof options.account === 'object' ? options.account : {};
    accountId = newId('acc');
    await sql`insert into accounts (id, name, require_two_factor, session_idle_minutes, session_absolute_hours)
              values (${accountId}, ${settings.name ?? 'Account ' + accountId.slice(-4)}, ${settings.requireTwoFactor ?? true},
                      ${settings.sessionIdleMinutes ?? 30}, ${settings.sessionAbsoluteHours ?? 12})`.execute(db);
  }
  if (accountId) {
    memberId = newId('mem');
    const owner = Boolean(options.account);
    await sql`insert into members (account_id, id, user_id, status, is_owner, builtin_role, activated_at)
              values (${accountId}, ${memberId}, ${userId}, 'active', ${owner}, ${owner ? 'owner' : (options.builtinRole ?? 'view_only')}, now())`.execute(
      db,
    );
  }
  app.deps.access.cache.invalidate([{ kind: 'user', id: userId }]);
  return { userId, email, password, totpSecret, accountId, memberId };
}

/** The session token a response set, or undefined. */
export function sessionTokenFrom(
  app: App,
  response: { cookies: { name: string; value: string }[] },
): string | undefined {
  return response.cookies.find((cookie) => cookie.name === sessionCookieName(app.deps.config) && cookie.value !== '')
    ?.value;
}

function withToken<T extends TestUser>(
  app: App,
  base: T,
  token: string,
  csrf: string,
  next: TestSession['next'],
): T & TestSession {
  const cookie = `${sessionCookieName(app.deps.config)}=${token}`;
  return Object.assign(base, { cookie, token, csrf, headers: { cookie, 'x-csrf-token': csrf }, next });
}

/**
 * A TOTP code the server will accept now: for the current time step, or the next one (within
 * the ±1 drift) when the current step was already used. When both were used, moves a
 * TestClock on, or waits for the next window on a real clock.
 */
export async function totpCode(app: App, user: Pick<TestUser, 'userId' | 'totpSecret'>): Promise<string> {
  if (!user.totpSecret) throw new Error('the user has no TOTP secret');
  const { rows } = await sql<{
    totp_last_step: number | null;
  }>`select totp_last_step from users where id = ${user.userId}`.execute(app.deps.database.db);
  const lastStep = rows[0]?.totp_last_step ?? -1;
  let current = Math.floor(app.deps.clock.now().getTime() / 30_000);
  if (lastStep > current) {
    // Both this step and the next were used: lastStep + 1 is beyond the server's +1 drift until
    // lastStep's own window begins. A test clock moves there; a real one (the browser tests)
    // is waited for, at most one window.
    if (app.deps.clock instanceof TestClock) app.deps.clock.advance((lastStep - current) * 30_000);
    else await new Promise((resolve) => setTimeout(resolve, lastStep * 30_000 - Date.now() + 50));
    current = lastStep;
  }
  const step = Math.max(current, lastStep + 1);
  return generate({ secret: user.totpSecret, epoch: step * 30 });
}

/**
 * Signs `user` in through HTTP: the password, then (when enrolled) a TOTP code. Without TOTP
 * the session is left where sign-in put it (`next` tells: `enrol_totp` or `done`).
 */
export async function signIn<T extends TestUser>(app: App, user: T): Promise<T & TestSession> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email: user.email, password: user.password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const body = res.json<{ next: TestSession['next']; csrfToken: string }>();
  const session = withToken(app, user, sessionTokenFrom(app, res)!, body.csrfToken, body.next);
  if (body.next !== 'second_factor') return session;
  const second = await app.inject({
    method: 'POST',
    url: '/v1/session/second-factor',
    headers: session.headers,
    payload: { code: await totpCode(app, user) },
  });
  if (second.statusCode !== 200) throw new Error(`second factor failed: ${second.statusCode} ${second.body}`);
  return withToken(app, user, sessionTokenFrom(app, second)!, second.json<{ csrfToken: string }>().csrfToken, 'done');
}

/**
 * Creates a user (TOTP enrolled by default; `account: true` for an owned account) and signs
 * them in fully through HTTP.
 *
 * @example
 * const ana = await signUpAndSignIn(app, { account: true });
 * await app.inject({ method: 'GET', url: '/v1/me', headers: ana.headers });
 */
export async function signUpAndSignIn(app: App, options: TestUserOptions = {}): Promise<TestUser & TestSession> {
  return signIn(app, await createUser(app, options));
}

/** Steps the session up (a fresh TOTP code) and updates its cookie and CSRF token in place. */
export async function stepUp<T extends TestSession>(app: App, session: T): Promise<T> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/me/step-up',
    headers: session.headers,
    payload: { code: await totpCode(app, session) },
  });
  if (res.statusCode !== 200) throw new Error(`step-up failed: ${res.statusCode} ${res.body}`);
  return withToken(app, session, sessionTokenFrom(app, res)!, res.json<{ csrfToken: string }>().csrfToken, 'done');
}
