import type { Db } from '../db/database.js';
import {
  csrfTokenFor,
  createSession,
  endPresentedSession,
  pruneSessions,
  revokeSession,
  rotateSessionToken,
} from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { normaliseEmail } from '../shared/email.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from '../audit/identity-events.js';
import { notifyNewSignIn } from './notify.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { pruneTokens } from './password-reset.js';
import { pruneTokenAttempts } from './token-attempts.js';
import {
  assertOneFactor,
  InvalidCodeError,
  type SecondFactorInput,
  type SecondFactorMethod,
  verifyCountedSecondFactor,
} from './second-factor.js';
import * as store from './store.js';
import { recordFailedAttempt, reserveAttempt } from './attempts.js';
import { forgiveFailures, pruneThrottle, refundAttempt } from './throttle.js';

export type SignInNext = 'second_factor' | 'enrol_totp' | 'done';

/** A session just issued or re-issued: the token for the cookie and its CSRF token. */
export interface IssuedSession {
  sessionId: string;
  token: string;
  csrfToken: string;
}

/**
 * Step one of signing in: the password. Always starts a NEW session (the cookie a browser
 * brought is never adopted, so a planted one is useless: session fixation, ASVS 5.0 V7.2.4)
 * and ends the one it brought. Unless `next` is `done`, the session is pending: it can only
 * take the second factor, or enrol one when 2FA is required and the user has none.
 *
 * Unknown address, missing password and wrong password all answer 401
 * `auth.invalid_credentials` after one argon2 verification (ASVS 5.0 V6.3.8).
 */
export async function signIn(
  deps: IdentityDeps,
  input: { email: string; password: string },
  context: RequestContext,
  presentedSessionId: string | undefined,
): Promise<IssuedSession & { next: SignInNext }> {
  const db = deps.database.db;
  const email = normaliseEmail(input.email);
  const now = deps.clock.now();
  const attempt = await reserveAttempt(deps, { email, ip: context.ip }, 'session.sign_in_failed', context);
  const user = await store.findUserByEmail(db, email);
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !ok) {
    await recordFailedAttempt(deps, attempt, user, 'password');
    throw new AppError('auth.invalid_credentials', 'The email or password is not right');
  }
  if (needsRehash(user.password_hash!))
    await store.upgradePasswordHash(db, user.id, user.password_hash!, await hashPassword(input.password));

  const stage = user.totp_enabled_at
    ? 'second_factor'
    : (await store.twoFactorRequired(db, user.id))
      ? 'enrol_totp'
      : 'active';
  const session = await db.transaction().execute(async (trx) => {
    if (presentedSessionId) await endPresentedSession(trx, presentedSessionId);
    const created = await createSession(trx, { userId: user.id, stage, secondFactorAt: null, context, now });
    // Only a complete sign-in forgives earlier failures; the right password alone just gets
    // its own attempt back. In the session's transaction: one commit instead of two, and on the
    // embedded database every commit writes its WAL from the server's only thread (bench:signin).
    if (stage === 'active') {
      await finishSignIn(trx, deps, user, 'password', context, now);
      await forgiveFailures(trx, { email, ip: context.ip });
    } else await refundAttempt(trx, { email, ip: context.ip });
    return created;
  });
  if (Math.random() < 0.01) await housekeeping(db, now);
  return {
    next: stage === 'active' ? 'done' : stage,
    sessionId: session.id,
    token: session.token,
    csrfToken: csrfTokenFor(deps.secretKey, session.tokenHash),
  };
}

/**
 * Wrong second factors one pending sign-in may take. Each try claims a slot on the session
 * row (a conditional update) before its code is verified, so neither a slow series nor a
 * parallel burst gets one more: at the cap the pending session is deleted and the person
 * starts again with the password, which the per-address counters then see too.
 */
export const secondFactorTriesPerSignIn = 5;

/**
 * Step two: a TOTP code or a recovery code completes a pending sign-in. The session gets a
 * new token (the pending one stops working) and records the second factor, which also
 * counts as a fresh step-up. Of parallel requests with the same code exactly one succeeds.
 * After {@link secondFactorTriesPerSignIn} wrong codes the sign-in ends: 401
 * `auth.challenge_expired`.
 */
export async function completeSecondFactor(
  deps: IdentityDeps,
  pending: { sessionId: string; userId: string },
  input: SecondFactorInput,
  context: RequestContext,
): Promise<IssuedSession> {
  assertOneFactor(input);
  const db = deps.database.db;
  const now = deps.clock.now();
  const user = await store.findUserById(db, pending.userId);
  if (!user?.totp_enabled_at) throw new AppError('auth.required', 'Sign in again');
  const tries = await store.claimSecondFactorTry(db, pending.sessionId, secondFactorTriesPerSignIn);
  // Past the cap the sign-in is over; deleting it is left to the try that took the last slot,
  // because a try claimed earlier may still be completing it with the right code.
  if (tries === null) throw challengeExpired();
  let method: SecondFactorMethod;
  try {
    method = await verifyCountedSecondFactor(deps, user, input, context, 'session.sign_in_failed');
  } catch (error) {
    if (error instanceof InvalidCodeError && !error.replayed && tries === secondFactorTriesPerSignIn)
      await endChallenge(db, pending.sessionId);
    throw error;
  }
  const rotated = await db.transaction().execute(async (trx) => {
    const next = await rotateSessionToken(trx, pending.sessionId, {
      fromStages: ['second_factor'],
      stage: 'active',
      secondFactorAt: now,
      now,
    });
    if (next) {
      await finishSignIn(trx, deps, user, method, context, now);
      await forgiveFailures(trx, { email: user.email, ip: context.ip });
    }
    return next;
  });
  if (!rotated) throw new AppError('auth.required', 'This sign-in was completed or ended meanwhile; sign in again');
  return {
    sessionId: pending.sessionId,
    token: rotated.token,
    csrfToken: csrfTokenFor(deps.secretKey, rotated.tokenHash),
  };
}

/**
 * Deletes a pending sign-in that used up its tries (never a session completed meanwhile) and
 * throws `auth.challenge_expired`.
 */
async function endChallenge(db: Db, sessionId: string): Promise<never> {
  await store.deletePendingSignIn(db, sessionId);
  throw challengeExpired();
}

const challengeExpired = () =>
  new AppError(
    'auth.challenge_expired',
    `${secondFactorTriesPerSignIn} wrong codes ended this sign-in; sign in again with your password`,
  );

/** What every completed sign-in records: last sign-in, the security event, the notice mail. */
export async function finishSignIn(
  trx: Db,
  deps: IdentityDeps,
  user: { id: string; email: string },
  method: 'password' | SecondFactorMethod | 'enrolment',
  context: RequestContext,
  now: Date,
): Promise<void> {
  await store.markSignedIn(trx, user.id, now);
  await recordSecurityEvent(trx, { action: 'session.signed_in', userId: user.id, method, context, at: now });
  if (method === 'recovery_code')
    await recordSecurityEvent(trx, { action: 'two_factor.recovery_code_used', userId: user.id, context, at: now });
  await notifyNewSignIn(trx, deps, user.email, now, context);
}

/** Signs out: the session row is deleted, so the token is dead everywhere at once (ASVS 5.0 V7.4.1). */
export async function signOut(
  deps: IdentityDeps,
  session: { sessionId: string; userId: string },
  context: RequestContext,
): Promise<void> {
  const now = deps.clock.now();
  await deps.database.db.transaction().execute(async (trx) => {
    if (await revokeSession(trx, session.userId, session.sessionId)) {
      await recordSecurityEvent(trx, { action: 'session.signed_out', userId: session.userId, context, at: now });
    }
  });
}

/** Now and then (1 % of sign-ins), old sessions, counters and tokens are deleted. */
async function housekeeping(db: Db, now: Date): Promise<void> {
  await pruneSessions(db, now);
  await pruneThrottle(db, now);
  await pruneTokens(db, now);
  await pruneTokenAttempts(db, now);
}
