import { sql, type RawBuilder } from 'kysely';
import type { Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';

export type MemberStatus = 'invited' | 'active' | 'inactive' | 'removed';

export interface MemberRow {
  account_id: string;
  id: string;
  user_id: string;
  name: string;
  email: string;
  status: MemberStatus;
  is_owner: boolean;
  builtin_role: string | null;
  role_id: string | null;
  role_name: string | null;
  permissions: Grant[] | null;
  profile_ids: string[] | null;
  resource_scope: Record<string, string[]>;
  flags: Record<string, boolean>;
  id_type: string | null;
  id_number: string | null;
  phone: string | null;
  two_factor_enabled: boolean;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const fromMembers = sql`
    from members m
    join users u on u.id = m.user_id
    left join roles r on r.account_id = m.account_id and r.id = m.role_id`;

/** What a row of the users list needs (PRODUCT rule 9); details and edits read MemberRow. */
export type MemberListRow = Pick<
  MemberRow,
  | 'id'
  | 'user_id'
  | 'name'
  | 'email'
  | 'status'
  | 'is_owner'
  | 'builtin_role'
  | 'role_id'
  | 'role_name'
  | 'profile_ids'
  | 'two_factor_enabled'
  | 'last_sign_in_at'
  | 'created_at'
>;

const listedColumns = sql`
  m.id, m.user_id, m.name, m.email, m.status, m.is_owner, m.builtin_role, m.role_id, r.name as role_name, m.profile_ids,
  (u.totp_enabled_at is not null) as two_factor_enabled, u.last_sign_in_at, m.created_at`;

const selectListedMember = sql`select ${listedColumns} ${fromMembers}`;

const selectMember = sql`
  select ${listedColumns}, m.account_id, m.permissions, m.resource_scope, m.flags, m.id_type, m.id_number, m.phone, m.updated_at
  ${fromMembers}`;

export async function findMember(db: Db, accountId: string, memberId: string): Promise<MemberRow | undefined> {
  const { rows } =
    await sql<MemberRow>`${selectMember} where m.account_id = ${accountId} and m.id = ${memberId}`.execute(db);
  return rows[0];
}

/**
 * Locks the given members of one account in id order (so two concurrent requests that lock
 * the same pair can never deadlock) and returns their current status and ownership.
 */
export async function lockMembers(
  db: Db,
  accountId: string,
  memberIds: string[],
): Promise<Map<string, { status: MemberStatus; is_owner: boolean; user_id: string }>> {
  const { rows } = await sql<{ id: string; status: MemberStatus; is_owner: boolean; user_id: string }>`
    select id, status, is_owner, user_id from members where account_id = ${accountId} and id = any(${memberIds}) order by id for update`.execute(
    db,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Sets one member's status, with the stamp of the new one (activateAcceptedMemberships is
 * the only other writer). With `from`, only a member in one of those statuses changes: the
 * answer says whether this call changed it.
 */
export async function setStatus(
  db: Db,
  accountId: string,
  memberId: string,
  status: MemberStatus,
  now: Date,
  from?: readonly MemberStatus[],
): Promise<boolean> {
  const stamp =
    status === 'active'
      ? sql`activated_at = ${now},`
      : status === 'inactive'
        ? sql`deactivated_at = ${now},`
        : status === 'removed'
          ? sql`removed_at = ${now},`
          : sql``;
  const guard = from ? sql` and status = any(${[...from]})` : sql``;
  const result =
    await sql`update members set status = ${status}, ${stamp} updated_at = ${now} where account_id = ${accountId} and id = ${memberId}${guard}`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * Activates the memberships a user has accepted but that waited for their 2FA enrolment
 * (PRODUCT rule 3: a membership becomes active only once TOTP is set up). Called in the
 * same transaction that confirms enrolment; returns what changed for invalidation.
 */
export async function activateAcceptedMemberships(
  trx: Db,
  userId: string,
  now: Date,
): Promise<{ memberId: string; accountId: string }[]> {
  const { rows } = await sql<{ id: string; account_id: string }>`
    update members m set status = 'active', activated_at = ${now}, updated_at = ${now}
      from invitations i
     where i.account_id = m.account_id and i.member_id = m.id and i.status = 'accepted'
       and m.user_id = ${userId} and m.status = 'invited'
    returning m.id, m.account_id`.execute(trx);
  return rows.map((row) => ({ memberId: row.id, accountId: row.account_id }));
}

export interface MemberChange {
  role?: { builtinRole: string | null; roleId: string | null; permissions: Grant[] | null };
  profileIds?: string[] | null;
  resourceScope?: Record<string, string[]>;
  flags?: Record<string, boolean>;
  identity?: { idType: string | null; idNumber: string | null; phone: string | null };
}

export async function updateMember(
  db: Db,
  accountId: string,
  memberId: string,
  change: MemberChange,
  now: Date,
): Promise<void> {
  const sets: RawBuilder<unknown>[] = [sql`updated_at = ${now}`];
  if (change.role) {
    sets.push(sql`builtin_role = ${change.role.builtinRole}`, sql`role_id = ${change.role.roleId}`);
    sets.push(
      sql`permissions = ${change.role.permissions === null ? null : JSON.stringify(change.role.permissions)}::jsonb`,
    );
  }
  if (change.profileIds !== undefined) sets.push(sql`profile_ids = ${change.profileIds}`);
  if (change.resourceScope) sets.push(sql`resource_scope = ${JSON.stringify(change.resourceScope)}::jsonb`);
  if (change.flags) sets.push(sql`flags = ${JSON.stringify(change.flags)}::jsonb`);
  if (change.identity)
    sets.push(
      sql`id_type = ${change.identity.idType}`,
      sql`id_number = ${change.identity.idNumber}`,
      sql`phone = ${change.identity.phone}`,
    );
  await sql`update members set ${sql.join(sets)} where account_id = ${accountId} and id = ${memberId}`.execute(db);
}

export async function setUserName(db: Db, userId: string, name: string, now: Date): Promise<void> {
  await sql`update users set name = ${name}, updated_at = ${now} where id = ${userId}`.execute(db);
}

/** Does the user still hold a live, active membership anywhere else? */
export async function hasOtherActiveMembership(db: Db, userId: string, exceptMemberId: string): Promise<boolean> {
  const { rows } =
    await sql`select 1 from members where user_id = ${userId} and id <> ${exceptMemberId} and status = 'active' limit 1`.execute(
      db,
    );
  return rows.length > 0;
}

export interface ListFilter {
  q?: string;
  status?: MemberStatus;
  role?: { builtinRole: string } | { roleId: string } | { individual: true };
  profileId?: string;
}

export type SortKey = 'name' | 'email' | 'createdAt';

// The "C" collation matches the list's indexes (see migration 0001): byte order, index-backed.
const sortColumn: Record<SortKey, RawBuilder<unknown>> = {
  name: sql`(lower(m.name) collate "C")`,
  email: sql`(m.email collate "C")`,
  createdAt: sql`m.created_at`,
};

/** Escapes LIKE's wildcards so a search for "a_b" means exactly that. */
function likePrefix(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/**
 * One page of members in (sort value, id) order after the cursor: keyset pagination, so a
 * deep page costs what the first one does.
 */
export async function listMembers(
  db: Db,
  accountId: string,
  filter: ListFilter,
  sort: { key: SortKey; descending: boolean },
  after: { value: string; id: string } | undefined,
  limit: number,
): Promise<MemberListRow[]> {
  const column = sortColumn[sort.key];
  const conditions: RawBuilder<unknown>[] = [sql`m.account_id = ${accountId}`];
  conditions.push(filter.status ? sql`m.status = ${filter.status}` : sql`m.status <> 'removed'`);
  if (filter.role && 'builtinRole' in filter.role) conditions.push(sql`m.builtin_role = ${filter.role.builtinRole}`);
  if (filter.role && 'roleId' in filter.role) conditions.push(sql`m.role_id = ${filter.role.roleId}`);
  if (filter.role && 'individual' in filter.role) conditions.push(sql`m.permissions is not null`);
  // Members with every profile (null) work in each profile too.
  if (filter.profileId)
    conditions.push(sql`(m.profile_ids is null or m.profile_ids @> array[${filter.profileId}]::text[])`);
  if (after) {
    const cursorValue =
      sort.key === 'createdAt' ? sql`${new Date(after.value)}::timestamptz` : sql`(${after.value}::text collate "C")`;
    conditions.push(
      sort.descending
        ? sql`(${column}, m.id) < (${cursorValue}, ${after.id})`
        : sql`(${column}, m.id) > (${cursorValue}, ${after.id})`,
    );
  }
  const direction = sort.descending ? sql`desc` : sql`asc`;
  const order = sql`order by ${column} ${direction}, m.id ${direction} limit ${limit}`;
  if (!filter.q) {
    const { rows } =
      await sql<MemberListRow>`${selectListedMember} where ${sql.join(conditions, sql` and `)} ${order}`.execute(db);
    return rows;
  }
  // A search matches the name OR the email. One OR'ed condition would walk the whole sort
  // index; two branches, each a range scan on its own index and each already limited to one
  // page, are merged instead.
  const prefix = likePrefix(filter.q.trim().normalize('NFKC').toLowerCase());
  const branch = (match: RawBuilder<unknown>) =>
    sql`(select m.id from members m where ${sql.join([...conditions, match], sql` and `)} ${order})`;
  const { rows } = await sql<MemberListRow>`
    ${selectListedMember}
    where m.id in (${branch(sql`(lower(m.name) collate "C") like ${prefix}`)} union ${branch(sql`(m.email collate "C") like ${prefix}`)})
    ${order}`.execute(db);
  return rows;
}

/** The id of `userId`'s active membership in `accountId`, if any. */
export async function findActiveMemberId(db: Db, accountId: string, userId: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`
    select id from members where account_id = ${accountId} and user_id = ${userId} and status = 'active'`.execute(db);
  return rows[0]?.id;
}
