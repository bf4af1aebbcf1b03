import { sql } from 'kysely';
import { recordEvent, type SecurityEventInput } from './record.js';
import type { Db } from '../db/database.js';
import type { RequestContext } from '../shared/context.js';

/** Everything that happens to an identity and belongs in the security log. */
export type IdentityAction =
  | 'session.signed_in'
  | 'session.sign_in_failed'
  | 'session.backoff_started'
  | 'session.locked_out'
  | 'session.signed_out'
  | 'session.revoked'
  | 'session.others_revoked'
  | 'session.stepped_up'
  | 'session.step_up_failed'
  | 'two_factor.enrolled'
  | 'two_factor.enrolment_failed'
  | 'two_factor.reset'
  | 'two_factor.recovery_code_used'
  | 'two_factor.recovery_codes_regenerated'
  | 'password.changed'
  | 'password.change_failed'
  | 'password.reset_requested'
  | 'password.reset'
  | 'email.change_requested'
  | 'email.changed'
  | 'profile.updated';

/**
 * Which families of identity actions a person sees in their own security log
 * (`GET /v1/me/security-events`). Keyed by every family of {@link IdentityAction}, so a new
 * family cannot be left out of that log by accident; `profile` (the display name) is not
 * security activity.
 */
const personalLogFamilies: Record<IdentityAction extends `${infer Family}.${string}` ? Family : never, boolean> = {
  session: true,
  two_factor: true,
  password: true,
  email: true,
  profile: false,
};

export const personalLogActionFamilies = Object.entries(personalLogFamilies)
  .filter(([, shown]) => shown)
  .map(([family]) => family);

export interface IdentityEvent {
  action: IdentityAction;
  /** The person it happened to (also the actor: identity events are done by people to themselves). */
  userId: string;
  outcome?: 'success' | 'failure';
  /** How a failure or a sign-in happened: `password`, `totp`, `recovery_code`… never a secret. */
  method?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  context: RequestContext;
  at: Date;
}

/**
 * The one door through which every identity event reaches the security log: sign-ins and
 * their failures, step-ups, 2FA, password and email changes, session revocations. Call it
 * inside the transaction of the change it describes, so the event exists exactly when the
 * change does. Events outside any account go to the log's user chain (account_id null).
 */
export async function recordSecurityEvent(db: Db, event: IdentityEvent): Promise<void> {
  for (const entry of await securityEventEntries(db, event)) await recordEvent(db, entry);
}

/**
 * The entries one identity event becomes: one in the user's chain, and one in each account
 * the person belongs to (PayMongo's "security logs" show members' sign-ins), as an event
 * about that membership. Refusals hand these to the RefusalLog instead of writing them.
 */
export async function securityEventEntries(
  db: Db,
  event: Omit<IdentityEvent, 'outcome'> & { outcome?: SecurityEventInput['outcome']; errorCode?: string },
): Promise<SecurityEventInput[]> {
  const base: SecurityEventInput = {
    accountId: null,
    actor: { type: 'user', id: event.userId },
    action: event.action,
    outcome: event.outcome ?? 'success',
    errorCode: event.errorCode ?? null,
    target: { type: 'user', id: event.userId },
    before: event.before,
    after: event.method !== undefined ? { ...event.after, method: event.method } : event.after,
    context: event.context,
    at: event.at,
  };
  const { rows } = await sql<{ account_id: string; id: string; email: string; name: string }>`
    select account_id, id, email, name from members where user_id = ${event.userId} and status in ('active', 'inactive')`.execute(
    db,
  );
  return [
    base,
    ...rows.map((member) => ({
      ...base,
      accountId: member.account_id,
      // Named as everywhere else in the log: by the person's name, or their email if they gave none.
      actor: { type: 'member' as const, id: member.id, name: member.name || member.email },
      target: { type: 'member', id: member.id, name: member.name || member.email },
    })),
  ];
}
