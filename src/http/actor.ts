import type { FastifyRequest } from 'fastify';
import type { CompiledGrants } from '../authz/engine.js';
import { AppError } from '../shared/app-error.js';

/**
 * Who is calling. Resolved once per request by the authenticators in `authenticate.ts`;
 * services receive it and decide what it may do.
 */
export type Actor =
  | { type: 'platform' }
  | {
      type: 'user';
      userId: string;
      sessionId: string;
      /** When this session last verified a second factor (sign-in or step-up). */
      secondFactorAt: Date | null;
    }
  | {
      type: 'api_key';
      apiKeyId: string;
      accountId: string;
      memberId: string;
      userId: string;
      /** The key's own permission subset, compiled; undefined = all of its member's. */
      limit: CompiledGrants | undefined;
    };

/**
 * A session whose password was right but whose sign-in is not finished: it is no actor and
 * may only take `next` (POST /v1/session/second-factor, or the TOTP enrolment routes).
 */
export interface PendingSignIn {
  sessionId: string;
  userId: string;
  next: 'second_factor' | 'enrol_totp';
}

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
export function requireUser(request: FastifyRequest): Extract<Actor, { type: 'user' }> {
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
