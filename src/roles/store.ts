import { sql } from 'kysely';
import type { Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';

export interface RoleRow {
  account_id: string;
  id: string;
  name: string;
  description: string;
  permissions: Grant[];
  created_at: Date;
  updated_at: Date;
  member_count: number;
}

const memberCount = sql`(select count(*) from members m where m.account_id = r.account_id and m.role_id = r.id and m.status <> 'removed')`;

export async function listRoles(db: Db, accountId: string): Promise<RoleRow[]> {
  const { rows } = await sql<RoleRow>`
    select r.*, ${memberCount} as member_count from roles r where r.account_id = ${accountId} order by lower(r.name)`.execute(
    db,
  );
  return rows;
}

export async function findRole(
  db: Db,
  accountId: string,
  roleId: string,
  forUpdate = false,
): Promise<RoleRow | undefined> {
  const { rows } = await sql<RoleRow>`
    select r.*, ${memberCount} as member_count from roles r where r.account_id = ${accountId} and r.id = ${roleId}
    ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return rows[0];
}

/** Member counts per built-in role key. */
export async function builtinRoleCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ builtin_role: string; count: number }>`
    select builtin_role, count(*) as count from members
     where account_id = ${accountId} and builtin_role is not null and status <> 'removed' group by builtin_role`.execute(
    db,
  );
  return new Map(rows.map((row) => [row.builtin_role, Number(row.count)]));
}

/**
 * Every custom role's name in the account, to compare them as a person would (see
 * roleNameKey).
 */
export async function listRoleNames(db: Db, accountId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await sql<{
    id: string;
    name: string;
  }>`select id, name from roles where account_id = ${accountId}`.execute(db);
  return rows;
}

/**
 * Serialises naming roles within an account until the transaction ends: the unique index
 * compares lower(name) only, so two parallel creates of "Straße" and "STRASSE" would both
 * pass a check made without it.
 */
export async function lockRoleNames(db: Db, accountId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'role-names:' + accountId}))`.execute(db);
}

export async function insertRole(
  db: Db,
  role: {
    accountId: string;
    id: string;
    name: string;
    description: string;
    permissions: Grant[];
    createdBy: string | null;
  },
): Promise<void> {
  await sql`insert into roles (account_id, id, name, description, permissions, created_by)
            values (${role.accountId}, ${role.id}, ${role.name}, ${role.description}, ${JSON.stringify(role.permissions)}::jsonb, ${role.createdBy})`.execute(
    db,
  );
}

export async function updateRole(
  db: Db,
  accountId: string,
  roleId: string,
  change: { name: string; description: string; permissions: Grant[] },
): Promise<void> {
  await sql`update roles set name = ${change.name}, description = ${change.description},
              permissions = ${JSON.stringify(change.permissions)}::jsonb, updated_at = now()
            where account_id = ${accountId} and id = ${roleId}`.execute(db);
}

export async function deleteRole(db: Db, accountId: string, roleId: string): Promise<void> {
  await sql`delete from roles where account_id = ${accountId} and id = ${roleId}`.execute(db);
}

/** Live members holding the custom role, locked for the reassignment. */
export async function membersHoldingRole(
  db: Db,
  accountId: string,
  roleId: string,
): Promise<{ id: string; user_id: string }[]> {
  const { rows } = await sql<{ id: string; user_id: string }>`
    select id, user_id from members where account_id = ${accountId} and role_id = ${roleId} for update`.execute(db);
  return rows;
}

/** Moves every member (removed ones too, so the role can go) from one role to another. */
export async function reassignRole(
  db: Db,
  accountId: string,
  fromRoleId: string,
  to: { builtinRole: string | null; roleId: string | null },
): Promise<void> {
  await sql`update members set builtin_role = ${to.builtinRole}, role_id = ${to.roleId}, permissions = null, updated_at = now()
            where account_id = ${accountId} and role_id = ${fromRoleId}`.execute(db);
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}
