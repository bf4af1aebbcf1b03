import type { AccountAccess } from '../access/guard.js';
import type { Db } from '../db/database.js';
import { recordEvent, type SecurityEventInput } from './record.js';

// What people do inside an account (role, member, invitation, key changes…), as the security
// log records it: the actor, the account and the request's context come from the access.

/** How the acting party appears in the security log. */
export function eventActor(access: Pick<AccountAccess, 'actor' | 'member'>): SecurityEventInput['actor'] {
  if (access.actor.type === 'platform') return { type: 'platform', id: null, name: 'Platform' };
  const name = access.member ? access.member.row.user_name || access.member.row.user_email : null;
  if (access.actor.type === 'api_key') return { type: 'api_key', id: access.actor.apiKeyId, name };
  return { type: 'member', id: access.member?.snapshot.memberId ?? null, name };
}

/** What an event says beyond who acted, where and when (those come from the access). */
export type AccessEvent = Omit<SecurityEventInput, 'accountId' | 'actor' | 'context' | 'at'>;

/** Records what this access's actor did in its account, with the request's context. */
export function recordAccessEvent(db: Db, access: AccountAccess, at: Date, event: AccessEvent): Promise<string> {
  return recordEvent(db, {
    accountId: access.accountId,
    actor: eventActor(access),
    context: access.context,
    at,
    ...event,
  });
}
