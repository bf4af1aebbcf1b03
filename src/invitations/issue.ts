import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { OutgoingMail } from '../mail/outbox.js';
import { newId } from '../shared/ids.js';
import { hashToken, newSecretToken } from '../shared/tokens.js';

export interface IssuedInvitation {
  id: string;
  /**
   * The secret for the link, never stored: it goes out in the email (and, for a new account's
   * owner, once in the platform's answer).
   */
  token: string;
  expiresAt: Date;
}

/** When a link sent now stops working, under the account's invitation lifetime. */
export function invitationExpiry(now: Date, lifetimeHours: number): Date {
  return new Date(now.getTime() + lifetimeHours * 3600_000);
}

/** Creates a pending invitation for an 'invited' member; only the token's hash is stored. */
export async function issueInvitation(
  trx: Db,
  input: {
    accountId: string;
    memberId: string;
    email: string;
    invitedByMemberId: string | null;
    invitedByName: string;
    lifetimeHours: number;
    now: Date;
  },
): Promise<IssuedInvitation> {
  const token = newSecretToken();
  const id = newId('inv');
  const expiresAt = invitationExpiry(input.now, input.lifetimeHours);
  await sql`
    insert into invitations (account_id, id, member_id, email, token_hash, status, expires_at, invited_by_member_id, invited_by_name, last_sent_at, created_at)
    values (${input.accountId}, ${id}, ${input.memberId}, ${input.email}, ${hashToken(token)}, 'pending', ${expiresAt},
            ${input.invitedByMemberId}, ${input.invitedByName}, ${input.now}, ${input.now})`.execute(trx);
  return { id, token, expiresAt };
}

/**
 * The invitation email, the same whether the invitation is new, resent or a new account's
 * owner's.
 */
export function invitationMail(
  to: { email: string; accountId: string },
  link: { token: string; expiresAt: Date },
  names: { accountName: string; inviterName: string; roleName: string },
): OutgoingMail {
  return {
    to: to.email,
    accountId: to.accountId,
    template: 'invitation',
    data: { ...names, token: link.token, expiresAt: link.expiresAt.toISOString() },
  };
}
