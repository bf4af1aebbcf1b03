import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Grant } from '../catalog/catalog.js';

/** Everything an authorization decision needs about one membership, in one query. */
export interface MemberAccessRow {
  member_id: string;
  account_id: string;
  user_id: string;
  status: 'invited' | 'active' | 'inactive' | 'removed';
  is_owner: boolean;
  builtin_role: string | null;
  role_id: string | null;
  member_permissions: Grant[] | null;
  role_permissions: Grant[] | null;
  profile_ids: string[] | null;
  resource_scope: Record<string, string[]>;
  flags: Record<string, boolean>;
  account_status: 'active' | 'suspended';
  require_two_factor: boolean;
  two_factor_enrolled: boolean;
  user_name: string;
  user_email: string;
}

const selectAccess = sql`
  select m.id as member_id, m.account_id, m.user_id, m.status, m.is_owner, m.builtin_role, m.role_id,
         m.permissions as member_permissions, r.permissions as role_permissions,
         m.profile_ids, m.resource_scope, m.flags,
         a.status as account_status, a.require_two_factor,
         (u.totp_enabled_at is not null) as two_factor_enrolled, u.name as user_name, u.email as user_email
    from members m
    join accounts a on a.id = m.account_id
    join users u on u.id = m.user_id
    left join roles r on r.account_id = m.account_id and r.id = m.role_id`;

export async function loadMemberAccess(db: Db, memberId: string): Promise<MemberAccessRow | undefined> {
  const { rows } = await sql<MemberAccessRow>`${selectAccess} where m.id = ${memberId}`.execute(db);
  return rows[0];
}

/** The user's live (not removed) membership in the account, if any. */
export async function loadMembershipOf(
  db: Db,
  accountId: string,
  userId: string,
): Promise<MemberAccessRow | undefined> {
  const { rows } = await sql<MemberAccessRow>`
    ${selectAccess} where m.account_id = ${accountId} and m.user_id = ${userId} and m.status <> 'removed'`.execute(db);
  return rows[0];
}

/**
 * Every membership of the account at once (a cold account is loaded whole). Custom roles'
 * permissions come in a second query, once per role rather than once per member: on 10,000
 * members of 50 roles that is most of the rows' weight.
 */
export async function loadAccountMembers(db: Db, accountId: string): Promise<MemberAccessRow[]> {
  const { rows } = await sql<MemberAccessRow>`
    select m.id as member_id, m.account_id, m.user_id, m.status, m.is_owner, m.builtin_role, m.role_id,
           m.permissions as member_permissions, null::jsonb as role_permissions,
           m.profile_ids, m.resource_scope, m.flags,
           a.status as account_status, a.require_two_factor,
           (u.totp_enabled_at is not null) as two_factor_enrolled, u.name as user_name, u.email as user_email
      from members m
      join accounts a on a.id = m.account_id
      join users u on u.id = m.user_id
     where m.account_id = ${accountId}`.execute(db);
  const { rows: roles } = await sql<{
    id: string;
    permissions: Grant[];
  }>`select id, permissions from roles where account_id = ${accountId}`.execute(db);
  const byId = new Map(roles.map((role) => [role.id, role.permissions]));
  for (const row of rows) if (row.role_id !== null) row.role_permissions = byId.get(row.role_id) ?? null;
  return rows;
}
