import { sql } from 'kysely';
import type { Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';

export interface ApiKeyRow {
  account_id: string;
  id: string;
  member_id: string;
  name: string;
  prefix: string;
  permissions: Grant[] | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  revoked_at: Date | null;
  member_name: string;
  member_email: string;
  user_id: string;
}

const selectKey = sql`
  select k.account_id, k.id, k.member_id, k.name, k.prefix, k.permissions, k.expires_at, k.last_used_at, k.created_at, k.revoked_at,
         m.name as member_name, m.email as member_email, m.user_id
    from api_keys k join members m on m.account_id = k.account_id and m.id = k.member_id`;

export async function insertApiKey(
  db: Db,
  key: {
    accountId: string;
    id: string;
    memberId: string;
    name: string;
    prefix: string;
    keyHash: Buffer;
    permissions: Grant[] | null;
    expiresAt: Date | null;
    createdBy: string;
    now: Date;
  },
): Promise<void> {
  await sql`insert into api_keys (account_id, id, member_id, name, prefix, key_hash, permissions, expires_at, created_by_member_id, created_at)
    values (${key.accountId}, ${key.id}, ${key.memberId}, ${key.name}, ${key.prefix}, ${key.keyHash},
            ${key.permissions === null ? null : JSON.stringify(key.permissions)}::jsonb, ${key.expiresAt}, ${key.createdBy}, ${key.now})`.execute(
    db,
  );
}

export async function findByHash(db: Db, keyHash: Buffer): Promise<ApiKeyRow | undefined> {
  const { rows } = await sql<ApiKeyRow>`${selectKey} where k.key_hash = ${keyHash}`.execute(db);
  return rows[0];
}

export async function findKey(db: Db, accountId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await sql<ApiKeyRow>`${selectKey} where k.account_id = ${accountId} and k.id = ${keyId}`.execute(db);
  return rows[0];
}

export async function listKeys(db: Db, accountId: string, memberId: string | null): Promise<ApiKeyRow[]> {
  const { rows } = await sql<ApiKeyRow>`
    ${selectKey} where k.account_id = ${accountId} ${memberId ? sql`and k.member_id = ${memberId}` : sql``}
    order by k.created_at desc, k.id desc limit 500`.execute(db);
  return rows;
}

export async function revokeKey(db: Db, accountId: string, keyId: string, by: string, now: Date): Promise<boolean> {
  const result = await sql`update api_keys set revoked_at = ${now}, revoked_by = ${by}
    where account_id = ${accountId} and id = ${keyId} and revoked_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** last_used_at is kept to the minute: a key used again within it is not written again. */
const lastUsedResolutionMs = 60_000;

/** Whether a use at `now` should move last_used_at (read from the row the key was found by). */
export function lastUseIsStale(lastUsedAt: Date | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - lastUsedAt.getTime() > lastUsedResolutionMs;
}

/** Records use at most once a minute per key, so busy keys do not write on every request. */
export async function touchKey(db: Db, keyId: string, now: Date): Promise<void> {
  // The same condition again in SQL: parallel requests that all read a stale value write once.
  await sql`update api_keys set last_used_at = ${now}
    where id = ${keyId} and (last_used_at is null or last_used_at < ${new Date(now.getTime() - lastUsedResolutionMs)})`.execute(
    db,
  );
}
