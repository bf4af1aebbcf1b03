import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { Actor } from './actor.js';

/** A step-up (fresh second factor) is good for this long. */
export const stepUpWindowMs = 5 * 60 * 1000;

/**
 * A person whose session verified a second factor (sign-in or step-up) within the last five
 * minutes, or 401 `auth.step_up_required` (ASVS 5.0 V7.5.1). An API key cannot step up, so it
 * gets 403 `authz.key_not_allowed`.
 */
export function requireFreshSecondFactor(actor: Actor | null, clock: Clock): Extract<Actor, { type: 'user' }> {
  if (!actor) throw new AppError('auth.required');
  if (actor.type === 'api_key') throw new AppError('authz.key_not_allowed', 'Sensitive actions need a person with a fresh second factor');
  if (actor.type !== 'user') throw new AppError('auth.required', 'Sign in as a person to do this');
  const verifiedAt = actor.secondFactorAt?.getTime();
  if (verifiedAt === undefined || clock.now().getTime() - verifiedAt > stepUpWindowMs) {
    throw new AppError('auth.step_up_required', 'Verify a second factor again (POST /v1/me/step-up) within 5 minutes of this action');
  }
  return actor;
}

/**
 * The gate of every sensitive action (PRODUCT rule 7): a fresh second factor, then an
 * explicit `"confirm": true` in the body. The platform's back end has no second factor and
 * is trusted by configuration, so it needs only the confirmation.
 */
export function requireSensitive(request: FastifyRequest, clock: Clock, body: unknown): void {
  if (request.actor?.type !== 'platform') requireFreshSecondFactor(request.actor, clock);
  requireConfirmation(body);
}

/**
 * The same gate as a `preValidation` hook: it runs before the body is validated, so a request
 * without `"confirm": true`, or with no body at all (a bare DELETE), gets 401/400 as promised
 * rather than a schema error.
 */
export function sensitiveAction(clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => requireSensitive(request, clock, request.body);
}

/** 400 `request.confirmation_required` unless the body says `"confirm": true`. */
export function requireConfirmation(body: unknown): void {
  if ((body as { confirm?: unknown } | undefined)?.confirm !== true) {
    throw new AppError('request.confirmation_required', 'Repeat the request with "confirm": true to go ahead');
  }
}

/** The request's origin for the security log. */
export function requestContext(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null, requestId: request.id };
}
