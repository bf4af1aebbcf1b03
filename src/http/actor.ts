import type { FastifyRequest } from 'fastify';
import type { Actor, PendingSignIn, UserActor } from '../access/actor.js';
import { AppError } from '../shared/app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    pendingSignIn: PendingSignIn | null;
  }
}

/** The request's actor, or 401 `auth.required` (naming the missing step for a pending sign-in). */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) {
    if (request.pendingSignIn?.next === 'second_factor') throw new AppError('auth.second_factor_required');
    if (request.pendingSignIn?.next === 'enrol_totp') throw new AppError('auth.enrolment_required');
    throw new AppError('auth.required');
  }
  return request.actor;
}

/** The signed-in person behind the request, or 401; API keys and the platform are refused. */
export function requireUser(request: FastifyRequest): UserActor {
  const actor = requireActor(request);
  if (actor.type === 'api_key') throw new AppError('authz.key_not_allowed');
  if (actor.type !== 'user') throw new AppError('auth.required', 'Sign in as a person to do this');
  return actor;
}

/** The platform's own back end (PLATFORM_TOKEN), or 401/403. */
export function requirePlatform(request: FastifyRequest): void {
  const actor = requireActor(request);
  if (actor.type !== 'platform') throw new AppError('authz.forbidden', 'Only the platform token may do this');
}
