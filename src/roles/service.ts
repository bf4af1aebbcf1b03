import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import type { Catalog, Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { assertCanGrant, assertValidGrants } from '../access/no-escalation.js';
import * as store from './store.js';

export interface RolesDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
}

export interface RoleView {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  /** False only for the owner role, which moves by ownership transfer alone. */
  assignable: boolean;
  permissions: Grant[];
  memberCount: number;
}

export const builtinRolePrefix = 'builtin:';

/** How a member holds their permissions: one of these, stored on the member row. */
export type RoleRef = { builtinRole: string } | { roleId: string };

/** The member row's columns for a role, or for an individual permission set. */
export function roleColumns(ref: RoleRef | { permissions: Grant[] }): {
  builtinRole: string | null;
  roleId: string | null;
  permissions: Grant[] | null;
} {
  return {
    builtinRole: 'builtinRole' in ref ? ref.builtinRole : null,
    roleId: 'roleId' in ref ? ref.roleId : null,
    permissions: 'permissions' in ref ? ref.permissions : null,
  };
}

function builtinView(catalog: Catalog, key: string, counts: Map<string, number>): RoleView | undefined {
  const role = catalog.builtinRole(key);
  if (!role) return undefined;
  return {
    id: builtinRolePrefix + role.key,
    name: role.name,
    description: role.description,
    builtin: true,
    assignable: role.key !== 'owner',
    permissions:
      role.key === 'owner'
        ? catalog.permissions.map((permission) => ({ permission, scope: 'all' as const }))
        : [...role.grants],
    memberCount: counts.get(role.key) ?? 0,
  };
}

function customView(row: store.RoleRow): RoleView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtin: false,
    assignable: true,
    permissions: row.permissions,
    memberCount: Number(row.member_count),
  };
}

/** Holders of each built-in role in the account. */
async function builtinCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const counts = await store.builtinRoleCounts(db, accountId);
  // Exactly one owner (PRODUCT rule 1): ownership is the member's is_owner flag, so the
  // count is that one, whatever builtin_role the rows carry.
  counts.set('owner', 1);
  return counts;
}

/** Built-in templates first, then the account's custom roles, each with its member count. */
export async function listRoles(deps: RolesDeps, access: AccountAccess): Promise<RoleView[]> {
  const db = deps.access.database.db;
  const [counts, custom] = await Promise.all([
    builtinCounts(db, access.accountId),
    store.listRoles(db, access.accountId),
  ]);
  const builtins = deps.catalog.builtinRoles.map((role) => builtinView(deps.catalog, role.key, counts)!);
  return [...builtins, ...custom.map(customView)];
}

export async function getRole(deps: RolesDeps, access: AccountAccess, roleId: string): Promise<RoleView> {
  const db = deps.access.database.db;
  if (roleId.startsWith(builtinRolePrefix)) {
    const view = builtinView(
      deps.catalog,
      roleId.slice(builtinRolePrefix.length),
      await builtinCounts(db, access.accountId),
    );
    if (!view) throw new AppError('role.not_found');
    return view;
  }
  const row = await store.findRole(db, access.accountId, roleId);
  if (!row) throw new AppError('role.not_found');
  return customView(row);
}

/**
 * Resolves a role id someone wants to assign into what is stored on the member, with the
 * grants it carries. The owner role is never assignable.
 */
export async function resolveAssignableRole(
  deps: Pick<RolesDeps, 'catalog'>,
  db: Db,
  accountId: string,
  roleId: string,
): Promise<{ ref: RoleRef; grants: Grant[]; name: string }> {
  if (roleId.startsWith(builtinRolePrefix)) {
    const role = deps.catalog.builtinRole(roleId.slice(builtinRolePrefix.length));
    if (!role) throw new AppError('role.not_found');
    if (role.key === 'owner')
      throw new AppError('member.owner_protected', 'Ownership moves only by an ownership transfer');
    return { ref: { builtinRole: role.key }, grants: [...role.grants], name: role.name };
  }
  const row = await store.findRole(db, accountId, roleId);
  if (!row) throw new AppError('role.not_found');
  return { ref: { roleId: row.id }, grants: row.permissions, name: row.name };
}

/** The stored form of a role name: NFKC, trimmed, runs of white space made one space. */
function normaliseName(name: string, field = 'body/name'): string {
  const normalised = name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (normalised.length === 0)
    throw new AppError('request.invalid', 'The role needs a name', {
      errors: [{ field, message: 'must not be blank' }],
    });
  return normalised;
}

/**
 * The form two role names are compared in, so that names a person reads as the same are the
 * same: NFKC, case folded (upper then lower case, so that "ß" and "SS" meet), format
 * characters (zero-width spaces, joiners, direction marks) dropped, runs of white space and
 * underscores made one space (so the key `view_only` reads as "View only").
 */
export function roleNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\s_]+/gu, ' ')
    .trim();
}

/**
 * Refuses a custom role name that reads as a built-in role's (its name or key: "ＯＷＮＥＲ",
 * " administrator ", "view only") or as another custom role's of the account: a custom role
 * called "Owner" would show as a second owner in the roles list and be mailed to invitees as
 * "invited as Owner". The caller holds the account's role-name lock (see lockRoleNames).
 */
async function assertNameFree(
  deps: Pick<RolesDeps, 'catalog'>,
  db: Db,
  accountId: string,
  name: string,
  field: string,
  exceptRoleId?: string,
): Promise<void> {
  const key = roleNameKey(name);
  const builtin = deps.catalog.builtinRoles.find(
    (role) => roleNameKey(role.name) === key || roleNameKey(role.key) === key,
  );
  if (builtin) {
    throw new AppError(
      'role.name_reserved',
      `"${builtin.name}" is a built-in role; give the custom role another name`,
      {
        errors: [{ field, message: `reads as the built-in role "${builtin.name}"` }],
      },
    );
  }
  const taken = (await store.listRoleNames(db, accountId)).find(
    (role) => role.id !== exceptRoleId && roleNameKey(role.name) === key,
  );
  if (taken) {
    throw new AppError('role.name_taken', `The role "${taken.name}" exists; give this one another name`, {
      errors: [{ field, message: `reads as the existing role "${taken.name}"` }],
    });
  }
}

function dedupe(grants: Grant[]): Grant[] {
  const byPermission = new Map<string, Grant>();
  for (const grant of grants) {
    const existing = byPermission.get(grant.permission);
    // `all` covers `own`: keep the wider grant once.
    if (!existing || (existing.scope === 'own' && grant.scope === 'all')) byPermission.set(grant.permission, grant);
  }
  return [...byPermission.values()].sort((a, b) => a.permission.localeCompare(b.permission));
}

export async function createRole(
  deps: RolesDeps,
  access: AccountAccess,
  input: { name: string; description?: string; permissions: Grant[] },
  /** Run inside this transaction (the invite flow creates a role and invites in one step). */
  trx?: Db,
  /** Where the name is in the request, for the error (`body/newRole/name` when inviting). */
  nameField = 'body/name',
): Promise<RoleView> {
  requirePermission(access, 'roles.manage');
  const permissions = dedupe(input.permissions);
  assertValidGrants(deps.catalog, permissions);
  assertCanGrant(deps.catalog, access, permissions);
  const role = {
    accountId: access.accountId,
    id: newId('rol'),
    name: normaliseName(input.name, nameField),
    description: input.description?.trim() ?? '',
    permissions,
  };
  const write = async (db: Db) => {
    await store.lockRoleNames(db, access.accountId);
    await assertNameFree(deps, db, access.accountId, role.name, nameField);
    await insertOrConflict(() =>
      store.insertRole(db, { ...role, createdBy: access.member?.snapshot.memberId ?? null }),
    );
    await recordAccessEvent(db, access, deps.clock.now(), {
      action: 'role.created',
      target: { type: 'role', id: role.id, name: role.name },
      after: { name: role.name, description: role.description, permissions },
    });
  };
  // A new role changes nobody's access yet: no invalidation to send.
  await (trx ? write(trx) : deps.access.database.db.transaction().execute(write));
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    builtin: false,
    assignable: true,
    permissions,
    memberCount: 0,
  };
}

async function insertOrConflict(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (store.isUniqueViolation(error)) throw new AppError('role.name_taken');
    throw error;
  }
}

function assertNotOwnRole(access: AccountAccess, roleId: string): void {
  if (access.member?.roleId === roleId)
    throw new AppError('authz.self_change', 'You cannot change the role you hold yourself');
}

export async function updateRole(
  deps: RolesDeps,
  access: AccountAccess,
  roleId: string,
  input: { name?: string; description?: string; permissions?: Grant[] },
): Promise<RoleView> {
  requirePermission(access, 'roles.manage');
  if (roleId.startsWith(builtinRolePrefix)) throw new AppError('role.builtin_readonly');
  assertNotOwnRole(access, roleId);
  const permissions = input.permissions ? dedupe(input.permissions) : undefined;
  if (permissions) {
    assertValidGrants(deps.catalog, permissions);
    assertCanGrant(deps.catalog, access, permissions);
  }
  return deps.access.commit(async (trx, changed) => {
    const before = await store.findRole(trx, access.accountId, roleId, true);
    if (!before) throw new AppError('role.not_found');
    const name = input.name !== undefined ? normaliseName(input.name) : before.name;
    if (roleNameKey(name) !== roleNameKey(before.name)) {
      await store.lockRoleNames(trx, access.accountId);
      await assertNameFree(deps, trx, access.accountId, name, 'body/name', roleId);
    }
    const after = {
      name,
      description: input.description?.trim() ?? before.description,
      permissions: permissions ?? before.permissions,
    };
    await insertOrConflict(() => store.updateRole(trx, access.accountId, roleId, after));
    if (permissions) changed({ kind: 'role', id: roleId });
    await recordAccessEvent(trx, access, deps.clock.now(), {
      action: 'role.updated',
      target: { type: 'role', id: roleId, name: after.name },
      before: { name: before.name, description: before.description, permissions: before.permissions },
      after,
    });
    return { ...customView(before), ...after };
  });
}

/**
 * Deletes a custom role. While members hold it the call is refused, unless `reassignTo`
 * names a role (which the actor could grant) that they all move to in the same transaction.
 */
export async function deleteRole(
  deps: RolesDeps,
  access: AccountAccess,
  roleId: string,
  reassignTo: string | undefined,
): Promise<void> {
  requirePermission(access, 'roles.manage');
  if (roleId.startsWith(builtinRolePrefix)) throw new AppError('role.builtin_readonly');
  assertNotOwnRole(access, roleId);
  if (reassignTo === roleId) throw new AppError('request.invalid', 'A role cannot be reassigned to itself');
  await deps.access.commit(async (trx, changed) => {
    const role = await store.findRole(trx, access.accountId, roleId, true);
    if (!role) throw new AppError('role.not_found');
    const holders = await store.membersHoldingRole(trx, access.accountId, roleId);
    let target: Awaited<ReturnType<typeof resolveAssignableRole>> | undefined;
    if (holders.length > 0) {
      if (!reassignTo)
        throw new AppError('role.in_use', `${holders.length} member(s) hold this role; pass reassignTo to move them`);
      target = await resolveAssignableRole(deps, trx, access.accountId, reassignTo);
      assertCanGrant(deps.catalog, access, target.grants);
      await store.reassignRole(trx, access.accountId, roleId, roleColumns(target.ref));
      changed(...holders.map((holder) => ({ kind: 'member' as const, id: holder.id })));
    }
    await store.deleteRole(trx, access.accountId, roleId);
    changed({ kind: 'role', id: roleId });
    await recordAccessEvent(trx, access, deps.clock.now(), {
      action: 'role.deleted',
      target: { type: 'role', id: roleId, name: role.name },
      before: { name: role.name, permissions: role.permissions, memberCount: holders.length },
      after: target ? { reassignedTo: reassignTo, reassignedMembers: holders.map((holder) => holder.id) } : null,
    });
  });
}
