import type { AccessService } from '../access/access-service.js';
import { resourceChange } from '../access/changes.js';
import { type AccountAccess } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import type { Catalog } from '../catalog/catalog.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import * as store from './store.js';

export interface ResourcesDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
}

export interface ResourceView {
  type: string;
  id: string;
  name: string;
  profileId: string | null;
  ownerMemberId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const view = (row: store.ResourceRow): ResourceView => ({
  type: row.type,
  id: row.external_id,
  name: row.name,
  profileId: row.profile_id,
  ownerMemberId: row.owner_member_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

function assertKnownType(catalog: Catalog, type: string): void {
  if (!catalog.resourceTypes.some((known) => known.key === type)) {
    throw new AppError('request.invalid', `Unknown resource type "${type}"`, {
      errors: [{ field: 'params/type', message: 'is not a resource type of the catalog' }],
    });
  }
}

/**
 * Registers or updates a scopable resource (the platform's own objects: products, bank
 * accounts…).
 */
export async function putResource(
  deps: ResourcesDeps,
  access: AccountAccess,
  type: string,
  externalId: string,
  input: { name: string; profileId?: string | null; ownerMemberId?: string | null },
): Promise<{ resource: ResourceView; created: boolean }> {
  assertKnownType(deps.catalog, type);
  const now = deps.clock.now();
  // Through commit: every instance's resource index re-reads this resource before the answer.
  return deps.access.commit(async (trx, changed) => {
    if (input.profileId && !(await store.profileExists(trx, access.accountId, input.profileId)))
      throw new AppError('profile.not_found');
    if (input.ownerMemberId && !(await store.memberExists(trx, access.accountId, input.ownerMemberId)))
      throw new AppError('member.not_found');
    const { created } = await store.upsertResource(trx, access.accountId, {
      type,
      externalId,
      name: input.name.trim(),
      profileId: input.profileId ?? null,
      ownerMemberId: input.ownerMemberId ?? null,
      now,
    });
    const row = (await store.findResource(trx, access.accountId, type, externalId))!;
    changed(resourceChange(access.accountId, type, externalId));
    await recordAccessEvent(trx, access, now, {
      action: created ? 'resource.registered' : 'resource.updated',
      target: { type: `resource:${type}`, id: externalId, name: row.name },
      after: view(row),
    });
    return { resource: view(row), created };
  });
}

export async function deleteResource(
  deps: ResourcesDeps,
  access: AccountAccess,
  type: string,
  externalId: string,
): Promise<void> {
  assertKnownType(deps.catalog, type);
  await deps.access.commit(async (trx, changed) => {
    if (!(await store.deleteResource(trx, access.accountId, type, externalId)))
      throw new AppError('resource.not_found');
    changed(resourceChange(access.accountId, type, externalId));
    await recordAccessEvent(trx, access, deps.clock.now(), {
      action: 'resource.deleted',
      target: { type: `resource:${type}`, id: externalId },
    });
  });
}

/** Index reads one page may take before it answers with what it has and a cursor to go on from. */
const maxReadsPerPage = 20;

/**
 * Lists resources; a member limited on a type sees only the ids assigned to them, and a
 * member limited to profiles sees only resources of those profiles (or of none). A page may
 * hold fewer than `limit` items (even none) and still carry a `nextCursor`: only a null
 * cursor means the end.
 */
export async function listResources(
  deps: ResourcesDeps,
  access: AccountAccess,
  query: { type?: string; profileId?: string; limit?: number; cursor?: string },
): Promise<{ items: ResourceView[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const batch = limit * 2;
  const snapshot = access.member && !access.member.snapshot.isOwner ? access.member.snapshot : null;
  const items: ResourceView[] = [];
  let cursor = query.cursor ? decodeCursor(query.cursor, { type: 'string', externalId: 'string' }) : undefined;
  let exhausted = false;
  // Scope filtering happens in memory on batches of the index, so a member who sees few
  // resources of many could cost any number of reads: bounded, then the cursor carries on.
  for (let reads = 0; reads < maxReadsPerPage && items.length < limit && !exhausted; reads++) {
    const rows = await store.listResources(deps.access.database.db, access.accountId, {
      type: query.type,
      profileId: query.profileId,
      after: cursor,
      limit: batch,
    });
    let scanned = 0;
    for (const row of rows) {
      scanned++;
      cursor = { type: row.type, externalId: row.external_id };
      const limitedIds = snapshot?.resourceScope.get(row.type);
      if (limitedIds && !limitedIds.has(row.external_id)) continue;
      if (snapshot?.profileIds && row.profile_id && !snapshot.profileIds.has(row.profile_id)) continue;
      items.push(view(row));
      if (items.length === limit) break;
    }
    exhausted = rows.length < batch && scanned === rows.length;
  }
  return { items, nextCursor: exhausted || !cursor ? null : encodeCursor(cursor) };
}
