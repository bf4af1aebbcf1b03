import type { FastifyRequest } from 'fastify';
import { requireConfirmation, requireFreshSecondFactor } from '../access/step-up.js';
import type { Clock } from '../shared/clock.js';

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

/** The request's origin for the security log. */
export function requestContext(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null, requestId: request.id };
}
