import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface AccountRow {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  require_two_factor: boolean;
  invitation_lifetime_hours: number;
  session_idle_minutes: number;
  session_absolute_hours: number;
  created_at: Date;
  updated_at: Date;
}

export interface AccountSettings {
  requireTwoFactor: boolean;
  invitationLifetimeHours: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

export async function insertAccount(db: Db, account: { id: string; name: string; now: Date }): Promise<void> {
  await sql`insert into accounts (id, name, created_at, updated_at) values (${account.id}, ${account.name}, ${account.now}, ${account.now})`.execute(
    db,
  );
}

export async function findAccount(db: Db, accountId: string, forUpdate = false): Promise<AccountRow | undefined> {
  const { rows } =
    await sql<AccountRow>`select * from accounts where id = ${accountId} ${forUpdate ? sql`for update` : sql``}`.execute(
      db,
    );
  return rows[0];
}

export async function updateAccount(
  db: Db,
  accountId: string,
  name: string,
  settings: AccountSettings,
  now: Date,
): Promise<void> {
  await sql`
    update accounts set name = ${name}, require_two_factor = ${settings.requireTwoFactor},
           invitation_lifetime_hours = ${settings.invitationLifetimeHours}, session_idle_minutes = ${settings.sessionIdleMinutes},
           session_absolute_hours = ${settings.sessionAbsoluteHours}, updated_at = ${now}
     where id = ${accountId}`.execute(db);
}

/** The user with this (normalised) email, created without credentials if there is none yet. */
export async function findOrCreateUser(
  db: Db,
  user: { id: string; email: string; name: string },
): Promise<{ id: string; name: string; created: boolean }> {
  const inserted = await sql<{ id: string; name: string }>`
    insert into users (id, email, name) values (${user.id}, ${user.email}, ${user.name})
    on conflict (email) do nothing returning id, name`.execute(db);
  if (inserted.rows[0]) return { ...inserted.rows[0], created: true };
  const { rows } = await sql<{
    id: string;
    name: string;
  }>`select id, name from users where email = ${user.email}`.execute(db);
  return { ...rows[0], created: false };
}

export async function insertMember(
  db: Db,
  member: {
    accountId: string;
    id: string;
    userId: string;
    status: 'invited' | 'active';
    isOwner: boolean;
    builtinRole: string | null;
    roleId: string | null;
    permissions: unknown[] | null;
    profileIds: string[] | null;
    resourceScope: Record<string, string[]>;
    flags: Record<string, boolean>;
    identity: { idType?: string | null; idNumber?: string | null; phone?: string | null };
    createdBy: string | null;
    now: Date;
  },
): Promise<void> {
  await sql`
    insert into members (account_id, id, user_id, status, is_owner, builtin_role, role_id, permissions, profile_ids,
                         resource_scope, flags, id_type, id_number, phone, created_by, created_at, updated_at)
    values (${member.accountId}, ${member.id}, ${member.userId}, ${member.status}, ${member.isOwner}, ${member.builtinRole},
            ${member.roleId}, ${member.permissions === null ? null : JSON.stringify(member.permissions)}::jsonb,
            ${member.profileIds}, ${JSON.stringify(member.resourceScope)}::jsonb, ${JSON.stringify(member.flags)}::jsonb,
            ${member.identity.idType ?? null}, ${member.identity.idNumber ?? null}, ${member.identity.phone ?? null},
            ${member.createdBy}, ${member.now}, ${member.now})`.execute(db);
}
