import type { CompiledGrants } from '../authz/engine.js';

/**
 * Who is calling. Resolved once per request by the authenticators in `http/authenticate.ts`;
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

/** A signed-in person. */
export type UserActor = Extract<Actor, { type: 'user' }>;

/**
 * A session whose password was right but whose sign-in is not finished: it is no actor and
 * may only take `next` (POST /v1/session/second-factor, or the TOTP enrolment routes).
 */
export interface PendingSignIn {
  sessionId: string;
  userId: string;
  next: 'second_factor' | 'enrol_totp';
}
