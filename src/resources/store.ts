import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface ResourceRow {
  type: string;
  external_id: string;
  name: string;
  profile_id: string | null;
  owner_member_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function upsertResource(
  db: Db,
  accountId: string,
  resource: {
    type: string;
    externalId: string;
    name: string;
    profileId: string | null;
    ownerMemberId: string | null;
    now: Date;
  },
): Promise<{ created: boolean }> {
  const { rows } = await sql<{ created: boolean }>`
    insert into resources (account_id, type, external_id, name, profile_id, owner_member_id, created_at, updated_at)
    values (${accountId}, ${resource.type}, ${resource.externalId}, ${resource.name}, ${resource.profileId}, ${resource.ownerMemberId}, ${resource.now}, ${resource.now})
    on conflict (account_id, type, external_id) do update
      set name = excluded.name, profile_id = excluded.profile_id, owner_member_id = excluded.owner_member_id, updated_at = excluded.updated_at
    returning (xmax = 0) as created`.execute(db);
  return rows[0];
}

export async function deleteResource(db: Db, accountId: string, type: string, externalId: string): Promise<boolean> {
  const result =
    await sql`delete from resources where account_id = ${accountId} and type = ${type} and external_id = ${externalId}`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function findResource(
  db: Db,
  accountId: string,
  type: string,
  externalId: string,
): Promise<ResourceRow | undefined> {
  const { rows } =
    await sql<ResourceRow>`select * from resources where account_id = ${accountId} and type = ${type} and external_id = ${externalId}`.execute(
      db,
    );
  return rows[0];
}

/**
 * One page in (type, external_id) order, after the cursor, optionally limited to ids and
 * profiles.
 */
export async function listResources(
  db: Db,
  accountId: string,
  filter: { type?: string; profileId?: string; after?: { type: string; externalId: string }; limit: number },
): Promise<ResourceRow[]> {
  const { rows } = await sql<ResourceRow>`
    select * from resources where account_id = ${accountId}
      ${filter.type ? sql`and type = ${filter.type}` : sql``}
      ${filter.profileId ? sql`and profile_id = ${filter.profileId}` : sql``}
      ${filter.after ? sql`and (type, external_id) > (${filter.after.type}, ${filter.after.externalId})` : sql``}
    order by type, external_id limit ${filter.limit}`.execute(db);
  return rows;
}

export async function profileExists(db: Db, accountId: string, profileId: string): Promise<boolean> {
  const { rows } = await sql`select 1 from profiles where account_id = ${accountId} and id = ${profileId}`.execute(db);
  return rows.length > 0;
}

export async function memberExists(db: Db, accountId: string, memberId: string): Promise<boolean> {
  const { rows } = await sql`select 1 from members where account_id = ${accountId} and id = ${memberId}`.execute(db);
  return rows.length > 0;
}
