import type { Actor, UserActor } from '../access/actor.js';
import { requireConfirmation, requireFreshSecondFactor, stepUpWindowMs } from '../access/step-up.js';
import { csrfTokenFor, rotateSessionToken } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { RequestContext } from '../shared/context.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from './events.js';
import type { IssuedSession } from './sign-in.js';
import { assertOneFactor, type SecondFactorInput, verifyCountedSecondFactor } from './second-factor.js';
import * as store from './store.js';
import { forgiveFailures } from './throttle.js';

export { requireConfirmation, stepUpWindowMs };

/**
 * The guard of sensitive person-only routes (ASVS 5.0 V7.5.1, V7.5.3): the caller must be a
 * signed-in person whose session verified a second factor (sign-in or POST /v1/me/step-up)
 * within the last five minutes, judged by the injected clock. Otherwise 401
 * `auth.step_up_required`; API keys get 403 `authz.key_not_allowed`. Pair it with
 * {@link requireConfirmation} for the `"confirm": true` the API demands.
 *
 * @example
 * const actor = requireStepUp(request, deps);
 * requireConfirmation(request.body);
 */
export function requireStepUp(request: { actor: Actor | null }, deps: { clock: Clock }): UserActor {
  return requireFreshSecondFactor(request.actor, deps.clock);
}

/**
 * A `preValidation` hook for sensitive person-only routes: the step-up check (401) and then
 * the confirmation (400) run before the body is validated, so a request without
 * `"confirm": true`, or without any body (a bare DELETE), gets the answer the API promises.
 *
 * @example
 * app.delete('/v1/me/totp', { preValidation: stepUpAndConfirmation(deps), schema }, handler);
 */
export function stepUpAndConfirmation(deps: { clock: Clock }) {
  return async (request: { actor: Actor | null; body: unknown }): Promise<void> => {
    requireStepUp(request, deps);
    requireConfirmation(request.body);
  };
}

/**
 * Step-up: a TOTP or recovery code proves the person is still there. The session records the
 * time and gets a new token (privilege change, ASVS 5.0 V7.2.4); the step-up holds for five
 * minutes. Failures count against the same brute-force limits as sign-in.
 */
export async function stepUp(
  deps: IdentityDeps,
  actor: { userId: string; sessionId: string },
  input: SecondFactorInput,
  context: RequestContext,
): Promise<IssuedSession & { expiresAt: Date }> {
  assertOneFactor(input);
  const db = deps.database.db;
  const now = deps.clock.now();
  const user = await store.findUserById(db, actor.userId);
  if (!user) throw new AppError('auth.required');
  if (!user.totp_enabled_at) throw new AppError('auth.enrolment_required', 'Enrol two-factor authentication first (POST /v1/me/totp)');
  const method = await verifyCountedSecondFactor(deps, user, input, context, 'session.step_up_failed');
  const rotated = await db.transaction().execute(async (trx) => {
    const next = await rotateSessionToken(trx, actor.sessionId, { fromStages: ['active'], stage: 'active', secondFactorAt: now, now });
    if (next) {
      await recordSecurityEvent(trx, { action: 'session.stepped_up', userId: user.id, method, context, at: now });
      if (method === 'recovery_code') await recordSecurityEvent(trx, { action: 'two_factor.recovery_code_used', userId: user.id, context, at: now });
    }
    return next;
  });
  if (!rotated) throw new AppError('auth.required', 'This session ended meanwhile; sign in again');
  await forgiveFailures(db, { email: user.email, ip: context.ip });
  return {
    sessionId: actor.sessionId,
    token: rotated.token,
    csrfToken: csrfTokenFor(deps.secretKey, rotated.tokenHash),
    expiresAt: new Date(now.getTime() + stepUpWindowMs),
  };
}
