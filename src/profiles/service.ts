import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import * as store from './store.js';

export interface ProfilesDeps {
  access: AccessService;
  clock: Clock;
}

export interface ProfileView {
  id: string;
  name: string;
  archived: boolean;
  createdAt: Date;
}

const view = (row: store.ProfileRow): ProfileView => ({
  id: row.id,
  name: row.name,
  archived: row.archived_at !== null,
  createdAt: row.created_at,
});

/** Profiles the caller can see: a member limited to some profiles sees those. */
export async function listProfiles(
  deps: ProfilesDeps,
  access: AccountAccess,
  includeArchived: boolean,
): Promise<ProfileView[]> {
  const scope = access.member && !access.member.snapshot.isOwner ? access.member.snapshot.profileIds : null;
  const rows = await store.listProfiles(deps.access.database.db, access.accountId, {
    includeArchived,
    onlyIds: scope ? [...scope] : null,
  });
  return rows.map(view);
}

export async function createProfile(deps: ProfilesDeps, access: AccountAccess, name: string): Promise<ProfileView> {
  requirePermission(access, 'profiles.manage');
  const row: store.ProfileRow = {
    id: newId('prf'),
    name: name.trim(),
    archived_at: null,
    created_at: deps.clock.now(),
  };
  await deps.access.database.db.transaction().execute(async (trx) => {
    await store.insertProfile(trx, access.accountId, { id: row.id, name: row.name, now: row.created_at });
    await recordAccessEvent(trx, access, row.created_at, {
      action: 'profile.created',
      target: { type: 'profile', id: row.id, name: row.name },
      after: view(row),
    });
  });
  return view(row);
}

/** Renames, archives or unarchives a profile. */
export async function updateProfile(
  deps: ProfilesDeps,
  access: AccountAccess,
  profileId: string,
  input: { name?: string; archived?: boolean },
): Promise<ProfileView> {
  requirePermission(access, 'profiles.manage');
  const now = deps.clock.now();
  return deps.access.database.db.transaction().execute(async (trx) => {
    const before = await store.findProfileForUpdate(trx, access.accountId, profileId);
    if (!before) throw new AppError('profile.not_found');
    const name = input.name?.trim() ?? before.name;
    const archivedAt =
      input.archived === undefined ? before.archived_at : input.archived ? (before.archived_at ?? now) : null;
    await store.updateProfile(trx, access.accountId, profileId, { name, archivedAt, now });
    const after = { ...before, name, archived_at: archivedAt };
    await recordAccessEvent(trx, access, now, {
      action: 'profile.updated',
      target: { type: 'profile', id: profileId, name },
      before: view(before),
      after: view(after),
    });
    return view(after);
  });
}
