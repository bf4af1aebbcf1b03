import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import type { IdentityDeps } from './deps.js';
import { type IdentityAction, recordSecurityEvent, securityEventEntries } from '../audit/identity-events.js';
import { mailSignInLocked } from './notify.js';
import { issuePasswordResetToken } from './password-reset.js';
import * as store from './store.js';
import { addressLockedUntil, type AttemptKeys, countAttempt, throttlePolicy } from './throttle.js';

// What a person sees of the brute-force counters (ASVS 5.0 V6.3.5: users are told of
// suspicious authentication attempts): every wrong credential and every refused attempt is
// in the security log, the start of a back-off and a lock are events of their own, and a lock
// mails the person a password-reset link once.

/**
 * How a wrong credential is logged; an attempt refused by the counters is logged under the
 * same action, as `refused`.
 */
export type FailedAction = Extract<
  IdentityAction,
  'session.sign_in_failed' | 'session.step_up_failed' | 'password.change_failed' | 'two_factor.enrolment_failed'
>;

/**
 * An attempt counted by {@link reserveAttempt}, to hand to {@link recordFailedAttempt} when
 * the credential was wrong.
 */
export interface Attempt {
  action: FailedAction;
  /** The address's failures, this attempt included. */
  emailFailures: number;
  context: RequestContext;
  at: Date;
}

/**
 * Counts an attempt before its credential is verified (see `countAttempt`). A refused
 * attempt answers 429 `auth.locked` with Retry-After; when the address has a user it is
 * logged as `action` with outcome `refused`, collapsed per minute like every refusal, and the
 * refusal that reaches the lock starts it (event and mail).
 */
export async function reserveAttempt(
  deps: IdentityDeps,
  keys: AttemptKeys,
  action: FailedAction,
  context: RequestContext,
): Promise<Attempt> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const result = await countAttempt(db, keys, now);
  if (result.counted) return { action, emailFailures: result.emailFailures, context, at: now };
  // Looked up only now, after the decision: the answer is the same with or without a user.
  const user = await store.findUserByEmail(db, keys.email);
  if (user) {
    for (const entry of await securityEventEntries(db, {
      action,
      userId: user.id,
      outcome: 'refused',
      errorCode: 'auth.locked',
      context,
      at: now,
    })) {
      deps.refusals.record(entry);
    }
    if (result.refusedBy === 'email' && result.failures === throttlePolicy.email.lockAfter) {
      await startLock(deps, user, result.failures, result.retryAt, context, now);
    }
  }
  const seconds = Math.max(1, Math.ceil((result.retryAt.getTime() - now.getTime()) / 1000));
  throw new AppError('auth.locked', `Too many failed attempts; try again in ${seconds} seconds`, {
    headers: { 'retry-after': String(seconds) },
  });
}

/**
 * Logs a wrong credential (`attempt.action`, outcome `failure`; nothing for an unknown
 * address). The failure that starts the address's back-off is logged as
 * `session.backoff_started`; the one that reaches the lock starts it.
 */
export async function recordFailedAttempt(
  deps: IdentityDeps,
  attempt: Attempt,
  user: { id: string; email: string } | undefined,
  method: string,
): Promise<void> {
  if (!user) return;
  const db = deps.database.db;
  const { context, at } = attempt;
  await recordSecurityEvent(db, { action: attempt.action, userId: user.id, outcome: 'failure', method, context, at });
  if (attempt.emailFailures === throttlePolicy.email.backoffAfter) {
    await recordSecurityEvent(db, {
      action: 'session.backoff_started',
      userId: user.id,
      outcome: 'failure',
      after: { failures: attempt.emailFailures, waitSeconds: 1 },
      context,
      at,
    });
  }
  if (attempt.emailFailures === throttlePolicy.email.lockAfter) {
    await startLock(deps, user, attempt.emailFailures, await addressLockedUntil(db, user.email, at), context, at);
  }
}

/**
 * The lock's event and its one mail, with a fresh password-reset link (a reset also ends the
 * lock). Exactly one attempt brings the count to the lock (the counter is atomic), so the
 * mail goes once per lock.
 */
async function startLock(
  deps: IdentityDeps,
  user: { id: string; email: string },
  failures: number,
  lockedUntil: Date,
  context: RequestContext,
  now: Date,
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    await recordSecurityEvent(trx, {
      action: 'session.locked_out',
      userId: user.id,
      outcome: 'failure',
      after: { failures, lockedUntil: lockedUntil.toISOString() },
      context,
      at: now,
    });
    const reset = await issuePasswordResetToken(trx, user.id, now);
    await mailSignInLocked(trx, deps, user.email, { failures, lockedUntil, ip: context.ip }, reset);
  });
}
