import type { Actor, UserActor } from './actor.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';

/** A step-up (fresh second factor) is good for this long. */
export const stepUpWindowMs = 5 * 60 * 1000;

/**
 * A person whose session verified a second factor (sign-in or step-up) within the last five
 * minutes, or 401 `auth.step_up_required` (ASVS 5.0 V7.5.3; V7.5.1 for sign-in details). An
 * API key cannot step up, so it gets 403 `authz.key_not_allowed`.
 */
export function requireFreshSecondFactor(actor: Actor | null, clock: Clock): UserActor {
  if (!actor) throw new AppError('auth.required');
  if (actor.type === 'api_key')
    throw new AppError('authz.key_not_allowed', 'Sensitive actions need a person with a fresh second factor');
  if (actor.type !== 'user') throw new AppError('auth.required', 'Sign in as a person to do this');
  const verifiedAt = actor.secondFactorAt?.getTime();
  if (verifiedAt === undefined || clock.now().getTime() - verifiedAt > stepUpWindowMs) {
    throw new AppError(
      'auth.step_up_required',
      'Verify a second factor again (POST /v1/me/step-up) within 5 minutes of this action',
    );
  }
  return actor;
}

/** 400 `request.confirmation_required` unless the body says `"confirm": true`. */
export function requireConfirmation(body: unknown): void {
  if ((body as { confirm?: unknown } | undefined)?.confirm !== true) {
    throw new AppError('request.confirmation_required', 'Repeat the request with "confirm": true to go ahead');
  }
}
