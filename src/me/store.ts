import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface MembershipRow {
  account_id: string;
  account_name: string;
  member_id: string;
  status: 'invited' | 'active' | 'inactive';
  is_owner: boolean;
  builtin_role: string | null;
  role_id: string | null;
  role_name: string | null;
}

/** The user's memberships that are not removed, with their accounts and custom role names. */
export async function listMemberships(db: Db, userId: string): Promise<MembershipRow[]> {
  const { rows } = await sql<MembershipRow>`
    select m.account_id, a.name as account_name, m.id as member_id, m.status, m.is_owner,
           m.builtin_role, m.role_id, r.name as role_name
      from members m
      join accounts a on a.id = m.account_id
      left join roles r on r.account_id = m.account_id and r.id = m.role_id
     where m.user_id = ${userId} and m.status <> 'removed'
     order by a.name, m.account_id`.execute(db);
  return rows;
}

export async function findUserProfile(
  db: Db,
  userId: string,
): Promise<{ id: string; email: string; name: string; two_factor_enabled: boolean } | undefined> {
  const { rows } = await sql<{ id: string; email: string; name: string; two_factor_enabled: boolean }>`
    select id, email, name, totp_enabled_at is not null as two_factor_enabled from users where id = ${userId}`.execute(
    db,
  );
  return rows[0];
}

export async function updateUserName(db: Db, userId: string, name: string, now: Date): Promise<void> {
  await sql`update users set name = ${name}, updated_at = ${now} where id = ${userId}`.execute(db);
}
