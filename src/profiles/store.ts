import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface ProfileRow {
  id: string;
  name: string;
  archived_at: Date | null;
  created_at: Date;
}

export async function listProfiles(
  db: Db,
  accountId: string,
  options: { includeArchived: boolean; onlyIds: string[] | null },
): Promise<ProfileRow[]> {
  const { rows } = await sql<ProfileRow>`
    select id, name, archived_at, created_at from profiles where account_id = ${accountId}
      ${options.includeArchived ? sql`` : sql`and archived_at is null`}
      ${options.onlyIds ? sql`and id = any(${options.onlyIds})` : sql``}
    order by lower(name), id`.execute(db);
  return rows;
}

export async function insertProfile(
  db: Db,
  accountId: string,
  profile: { id: string; name: string; now: Date },
): Promise<void> {
  await sql`insert into profiles (account_id, id, name, created_at, updated_at) values (${accountId}, ${profile.id}, ${profile.name}, ${profile.now}, ${profile.now})`.execute(
    db,
  );
}

export async function findProfileForUpdate(
  db: Db,
  accountId: string,
  profileId: string,
): Promise<ProfileRow | undefined> {
  const { rows } = await sql<ProfileRow>`
    select id, name, archived_at, created_at from profiles where account_id = ${accountId} and id = ${profileId} for update`.execute(
    db,
  );
  return rows[0];
}

export async function updateProfile(
  db: Db,
  accountId: string,
  profileId: string,
  change: { name: string; archivedAt: Date | null; now: Date },
): Promise<void> {
  await sql`update profiles set name = ${change.name}, archived_at = ${change.archivedAt}, updated_at = ${change.now}
    where account_id = ${accountId} and id = ${profileId}`.execute(db);
}
