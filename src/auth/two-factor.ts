import { activateAcceptedMemberships } from '../members/store.js';
import { csrfTokenFor, revokeSessionsOfUser, rotateSessionToken } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from '../audit/identity-events.js';
import { notifyTwoFactorChanged } from './notify.js';
import { deleteRecoveryCodes, newRecoveryCodes, storeRecoveryCodes } from './recovery-codes.js';
import { finishSignIn, type IssuedSession } from './sign-in.js';
import * as store from './store.js';
import { recordFailedAttempt, reserveAttempt } from './attempts.js';
import { forgiveFailures } from './throttle.js';
import { openTotpSecret, sealTotpSecret } from './totp-seed.js';
import { newTotpSecret, totpQrCodeSvg, totpStep, totpUri } from './totp.js';

/** Who is changing their 2FA: a signed-in person, or a pending sign-in that must enrol first. */
export interface EnrollingSession {
  userId: string;
  sessionId: string;
  /** True when this enrolment is what completes the sign-in (`next: enrol_totp`). */
  completesSignIn: boolean;
}

/**
 * Starts TOTP enrolment: a new seed is stored, sealed, as the user's PENDING secret, and
 * returned this once as an otpauth URI and its QR code. Nothing changes for sign-in until
 * {@link confirmEnrolment} proves the app has the seed. Starting again replaces the pending seed.
 */
export async function startEnrolment(
  deps: IdentityDeps,
  userId: string,
): Promise<{ otpauthUri: string; qrCodeSvg: string }> {
  const db = deps.database.db;
  const user = await store.findUserById(db, userId);
  if (!user) throw new AppError('auth.required');
  if (user.totp_enabled_at)
    throw new AppError('two_factor.already_enrolled', 'Reset two-factor authentication first (DELETE /v1/me/totp)');
  const secret = newTotpSecret();
  if (
    !(await store.setPendingTotpSecret(db, user.id, sealTotpSecret(deps.secretKey, user.id, secret), deps.clock.now()))
  ) {
    throw new AppError('two_factor.already_enrolled');
  }
  const otpauthUri = totpUri(secret, user.email);
  return { otpauthUri, qrCodeSvg: await totpQrCodeSvg(otpauthUri) };
}

/**
 * Finishes enrolment with one valid code from the app: the pending seed becomes the active
 * one (that code's step is claimed, so it cannot be replayed), ten recovery codes are issued
 * and returned this once. For a pending sign-in this also completes the sign-in, under a new
 * session token.
 */
export async function confirmEnrolment(
  deps: IdentityDeps,
  session: EnrollingSession,
  code: string,
  context: RequestContext,
): Promise<{ recoveryCodes: string[]; session: IssuedSession | null }> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const user = await store.findUserById(db, session.userId);
  if (!user) throw new AppError('auth.required');
  if (user.totp_enabled_at) throw new AppError('two_factor.already_enrolled');
  const pending = user.totp_pending_secret_encrypted;
  if (!pending) throw new AppError('two_factor.enrolment_not_started', 'Start with POST /v1/me/totp');
  const attempt = await reserveAttempt(
    deps,
    { email: user.email, ip: context.ip },
    'two_factor.enrolment_failed',
    context,
  );
  const step = await totpStep(openTotpSecret(deps.secretKey, user.id, pending), code, now);
  if (step === null) {
    await recordFailedAttempt(deps, attempt, user, 'totp');
    throw new AppError('auth.invalid_code');
  }
  const fresh = await newRecoveryCodes();
  const result = await deps.access.commit(async (trx, changed) => {
    if (!(await store.activatePendingTotp(trx, user.id, pending, step, now))) {
      throw new AppError('conflict', 'The enrolment changed meanwhile; start again');
    }
    changed({ kind: 'user', id: user.id });
    // Invitations accepted before enrolment become active memberships now (PRODUCT rule 3).
    for (const activated of await activateAcceptedMemberships(trx, user.id, now))
      changed({ kind: 'member', id: activated.memberId });
    await storeRecoveryCodes(trx, user.id, fresh, now);
    const recoveryCodes = fresh.codes;
    await recordSecurityEvent(trx, {
      action: 'two_factor.enrolled',
      userId: user.id,
      method: 'totp',
      context,
      at: now,
    });
    await notifyTwoFactorChanged(trx, deps, user.email, 'enrolled', now);
    if (!session.completesSignIn) return { recoveryCodes, rotated: null };
    const rotated = await rotateSessionToken(trx, session.sessionId, {
      fromStages: ['enrol_totp'],
      stage: 'active',
      secondFactorAt: now,
      now,
    });
    if (!rotated) throw new AppError('auth.required', 'This sign-in was ended meanwhile; sign in again');
    await finishSignIn(trx, deps, user, 'enrolment', context, now);
    return { recoveryCodes, rotated };
  });
  await forgiveFailures(db, { email: user.email, ip: context.ip });
  const issued = result.rotated
    ? {
        sessionId: session.sessionId,
        token: result.rotated.token,
        csrfToken: csrfTokenFor(deps.secretKey, result.rotated.tokenHash),
      }
    : null;
  return { recoveryCodes: result.recoveryCodes, session: issued };
}

/**
 * Removes the user's TOTP and recovery codes (the route demands a fresh step-up and
 * `confirm`). They must enrol again before signing in next time, and their other sessions end
 * (ASVS 5.0 V7.4.3).
 */
export async function resetTwoFactor(
  deps: IdentityDeps,
  actor: { userId: string; sessionId: string },
  context: RequestContext,
): Promise<void> {
  const now = deps.clock.now();
  await deps.access.commit(async (trx, changed) => {
    const user = await store.findUserById(trx, actor.userId);
    if (!user?.totp_enabled_at) throw new AppError('two_factor.not_enrolled');
    await store.clearTotp(trx, user.id, now);
    await deleteRecoveryCodes(trx, user.id);
    changed({ kind: 'user', id: user.id });
    await revokeSessionsOfUser(trx, user.id, actor.sessionId);
    await recordSecurityEvent(trx, { action: 'two_factor.reset', userId: user.id, context, at: now });
    await notifyTwoFactorChanged(trx, deps, user.email, 'reset', now);
  });
}

/** Replaces the recovery codes with ten new ones, returned this once (step-up and `confirm` first). */
export async function regenerateRecoveryCodes(
  deps: IdentityDeps,
  userId: string,
  context: RequestContext,
): Promise<string[]> {
  const now = deps.clock.now();
  const fresh = await newRecoveryCodes();
  return deps.database.db.transaction().execute(async (trx) => {
    const user = await store.findUserById(trx, userId);
    if (!user?.totp_enabled_at) throw new AppError('two_factor.not_enrolled');
    await storeRecoveryCodes(trx, user.id, fresh, now);
    const codes = fresh.codes;
    await recordSecurityEvent(trx, {
      action: 'two_factor.recovery_codes_regenerated',
      userId: user.id,
      context,
      at: now,
    });
    await notifyTwoFactorChanged(trx, deps, user.email, 'recovery_codes_regenerated', now);
    return codes;
  });
}
