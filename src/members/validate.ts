import { sql } from 'kysely';
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';

/** 404 `profile.not_found` unless every id is a live profile of the account. */
export async function assertProfilesExist(db: Db, accountId: string, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const { rows } = await sql<{ id: string }>`
    select id from profiles where account_id = ${accountId} and id = any(${profileIds}) and archived_at is null`.execute(
    db,
  );
  if (rows.length !== new Set(profileIds).size)
    throw new AppError('profile.not_found', 'Some profiles do not exist in this account');
}

/** 404 `resource.not_found` unless every id is a registered resource of the account. */
export async function assertResourcesExist(
  catalog: Catalog,
  db: Db,
  accountId: string,
  resources: Record<string, string[]>,
): Promise<void> {
  for (const [type, ids] of Object.entries(resources)) {
    if (!catalog.resourceTypes.some((known) => known.key === type)) {
      throw new AppError('request.invalid', `Unknown resource type "${type}"`, {
        errors: [{ field: `body/resources/${type}`, message: 'is not a resource type of the catalog' }],
      });
    }
    if (ids.length === 0) continue;
    const { rows } = await sql<{ external_id: string }>`
      select external_id from resources where account_id = ${accountId} and type = ${type} and external_id = any(${ids})`.execute(
      db,
    );
    if (rows.length !== new Set(ids).size)
      throw new AppError('resource.not_found', `Some ${type} resources are not registered in this account`);
  }
}

/** 400 naming every flag the catalog does not define. */
export function assertKnownFlags(catalog: Catalog, flags: Record<string, boolean>): void {
  const unknown = Object.keys(flags).filter((key) => !catalog.flags.some((flag) => flag.key === key));
  if (unknown.length > 0) {
    throw new AppError('request.invalid', 'Unknown member flags', {
      errors: unknown.map((key) => ({ field: `body/flags/${key}`, message: 'is not a flag of the catalog' })),
    });
  }
}
