import type { FastifyRequest } from 'fastify';
import { requireConfirmation, requireFreshSecondFactor } from '../access/step-up.js';
import type { Clock } from '../shared/clock.js';

export interface StepUpGateOptions {
  /** Sensitive only for some bodies: a PATCH that changes what a role grants, say. */
  when?: (body: unknown) => boolean;
  /**
   * A person-only route (/v1/me/...): the platform token is refused too, as it has no second
   * factor.
   */
  personOnly?: boolean;
}

/**
 * The one step-up gate, declared the same way by every sensitive route (PRODUCT rule 7,
 * ASVS 5.0 V7.5.1, V7.5.3): `preValidation: stepUpGate(deps.clock)`. A fresh second factor
 * (401 `auth.step_up_required`; 403 `authz.key_not_allowed` for an API key), then an explicit
 * `"confirm": true` in the body (400 `request.confirmation_required`). The platform's back end
 * has no second factor and is trusted by configuration, so on account routes it needs only
 * the confirmation.
 *
 * As a `preValidation` hook it runs before the body is validated and before the account
 * scope's access check, so a request without `"confirm": true`, or with no body at all (a
 * bare DELETE), gets 401/400 as promised rather than a schema error.
 */
export function stepUpGate(clock: Clock, options: StepUpGateOptions = {}) {
  return async (request: FastifyRequest): Promise<void> => {
    if (options.when && !options.when(request.body)) return;
    if (options.personOnly || request.actor?.type !== 'platform') requireFreshSecondFactor(request.actor, clock);
    requireConfirmation(request.body);
  };
}

/**
 * For {@link StepUpGateOptions.when}: the body names this field (the change that makes the
 * request sensitive).
 */
export function bodyHas(field: string): (body: unknown) => boolean {
  return (body) => typeof body === 'object' && body !== null && (body as Record<string, unknown>)[field] !== undefined;
}

/** The request's origin for the security log. */
export function requestContext(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: request.id,
  };
}
