import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Activates the memberships a user has accepted but that waited for their 2FA enrolment
 * (PRODUCT rule 3: a membership becomes active only once TOTP is set up). Called in the
 * same transaction that confirms enrolment; returns what changed for invalidation.
 */
export async function activateAcceptedMemberships(trx: Db, userId: string, now: Date): Promise<{ memberId: string; accountId: string }[]> {
  const { rows } = await sql<{ id: string; account_id: string }>`
    update members m set status = 'active', activated_at = ${now}, updated_at = ${now}
      from invitations i
     where i.account_id = m.account_id and i.member_id = m.id and i.status = 'accepted'
       and m.user_id = ${userId} and m.status = 'invited'
    returning m.id, m.account_id`.execute(trx);
  return rows.map((row) => ({ memberId: row.id, accountId: row.account_id }));
}
