import { stepUpWindowMs } from '../access/step-up.js';
import { csrfTokenFor, rotateSessionToken } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from '../audit/identity-events.js';
import type { IssuedSession } from './sign-in.js';
import { assertOneFactor, type SecondFactorInput, verifyCountedSecondFactor } from './second-factor.js';
import * as store from './store.js';
import { forgiveFailures } from './throttle.js';

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
  if (!user.totp_enabled_at)
    throw new AppError('auth.enrolment_required', 'Enrol two-factor authentication first (POST /v1/me/totp)');
  const method = await verifyCountedSecondFactor(deps, user, input, context, 'session.step_up_failed');
  const rotated = await db.transaction().execute(async (trx) => {
    const next = await rotateSessionToken(trx, actor.sessionId, {
      fromStages: ['active'],
      stage: 'active',
      secondFactorAt: now,
      now,
    });
    if (next) {
      await recordSecurityEvent(trx, { action: 'session.stepped_up', userId: user.id, method, context, at: now });
      if (method === 'recovery_code')
        await recordSecurityEvent(trx, { action: 'two_factor.recovery_code_used', userId: user.id, context, at: now });
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
