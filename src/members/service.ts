import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import type { ServicePermission } from '../access/permissions.js';
import { compileGrants, diffGrants } from '../authz/engine.js';
import type { Catalog, Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { assertCanGrant, assertValidGrants } from '../access/no-escalation.js';
import { resolveAssignableRole, roleColumns } from '../roles/service.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { revokeMemberInvitations } from '../invitations/store.js';
import { assertCanGrantScope, assertCanManage } from '../access/no-escalation.js';
import * as store from './store.js';
import { type MemberView, memberView } from './view.js';
import { assertKnownFlags, assertProfilesExist, assertResourcesExist } from './validate.js';
import { assertScopeChangeAllowed } from './resource-rules.js';

export interface MembersDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
  /**
   * Ends every session of a user, inside the caller's transaction, and says how many ended:
   * on deactivation or removal from their last active account, and on an admin's 2FA reset or
   * email change. Required, so that an app which forgets to wire it does not compile: left
   * unwired, sessions would outlive deactivation and removal.
   */
  endSessions: (trx: Db, userId: string) => Promise<number>;
}

async function loadTarget(
  deps: MembersDeps,
  access: AccountAccess,
  memberId: string,
  db: Db = deps.access.database.db,
): Promise<store.MemberRow> {
  const row = await store.findMember(db, access.accountId, memberId);
  if (!row) throw new AppError('member.not_found');
  return row;
}

/** One member; anyone may read themselves, others need users.view. */
export async function getMember(deps: MembersDeps, access: AccountAccess, memberId: string): Promise<MemberView> {
  if (access.member?.snapshot.memberId !== memberId) requirePermission(access, 'users.view');
  return memberView(deps.catalog, await loadTarget(deps, access, memberId));
}

/**
 * The compiled access of a member of this account; 404 for anyone else's (no cross-tenant
 * ids).
 */
async function targetSnapshot(deps: MembersDeps, access: AccountAccess, memberId: string) {
  const entry = await deps.access.member(memberId);
  if (!entry || entry.snapshot.accountId !== access.accountId) throw new AppError('member.not_found');
  return entry.snapshot;
}

export interface MemberUpdate {
  name?: string;
  roleId?: string;
  permissions?: Grant[];
  profileIds?: string[] | null;
  resources?: Record<string, string[]>;
  flags?: Record<string, boolean>;
  identity?: { idType?: string; idNumber?: string; phone?: string };
}

function assertIdentityFixed(row: store.MemberRow, identity: NonNullable<MemberUpdate['identity']>) {
  const current = { idType: row.id_type, idNumber: row.id_number, phone: row.phone };
  const next = { ...current };
  for (const field of ['idType', 'idNumber', 'phone'] as const) {
    const wanted = identity[field];
    if (wanted === undefined) continue;
    // PRODUCT rule 5: identity fields are set once, then fixed.
    if (current[field] !== null && current[field] !== wanted)
      throw new AppError('member.identity_fixed', `${field} is already set and cannot change`);
    next[field] = wanted;
  }
  return next;
}

/**
 * Edits a member: name, role or individual permissions, profile and resource scope, flags,
 * and identity fields not yet set. The route has demanded step-up and confirmation.
 */
export async function updateMember(
  deps: MembersDeps,
  access: AccountAccess,
  memberId: string,
  input: MemberUpdate,
): Promise<MemberView> {
  requirePermission(access, 'users.edit');
  if (input.roleId !== undefined && input.permissions !== undefined) {
    throw new AppError('request.invalid', 'Give either roleId or permissions, not both');
  }
  const changesAccess =
    input.roleId !== undefined ||
    input.permissions !== undefined ||
    input.profileIds !== undefined ||
    input.resources !== undefined ||
    input.flags !== undefined;
  const snapshot = await targetSnapshot(deps, access, memberId);
  if (changesAccess) assertCanManage(access, snapshot);
  else if (snapshot.isOwner && access.member?.snapshot.memberId !== memberId)
    throw new AppError('member.owner_protected');

  let role: store.MemberChange['role'];
  let grants: Grant[] | undefined;
  if (input.roleId !== undefined) {
    const resolved = await resolveAssignableRole(deps, deps.access.database.db, access.accountId, input.roleId);
    grants = resolved.grants;
    role = roleColumns(resolved.ref);
  } else if (input.permissions !== undefined) {
    assertValidGrants(deps.catalog, input.permissions);
    grants = input.permissions;
    role = roleColumns({ permissions: input.permissions });
  }
  if (grants) assertCanGrant(deps.catalog, access, grants);
  if (input.flags) assertKnownFlags(deps.catalog, input.flags);
  assertCanGrantScope(access, { profileIds: input.profileIds, resourceScope: input.resources }, input.flags);

  const now = deps.clock.now();
  return deps.access.commit(async (trx, changed) => {
    const locked = await store.lockMembers(trx, access.accountId, [memberId]);
    const current = locked.get(memberId);
    if (!current || current.status === 'removed') throw new AppError('member.not_found');
    if (current.status === 'inactive') throw new AppError('member.inactive');
    const before = await loadTarget(deps, access, memberId, trx);
    if (input.profileIds) await assertProfilesExist(trx, access.accountId, input.profileIds);
    if (input.resources) {
      await assertResourcesExist(deps.catalog, trx, access.accountId, input.resources);
      assertScopeChangeAllowed(deps.catalog, current.status, before.resource_scope, input.resources);
    }
    const change: store.MemberChange = {
      role,
      profileIds: input.profileIds,
      resourceScope: input.resources,
      flags: input.flags ? { ...before.flags, ...input.flags } : undefined,
      identity: input.identity ? assertIdentityFixed(before, input.identity) : undefined,
    };
    await store.updateMember(trx, access.accountId, memberId, change, now);
    if (input.name !== undefined && input.name.trim() !== before.name) {
      if (await store.hasOtherActiveMembership(trx, before.user_id, memberId)) {
        throw new AppError(
          'member.identity_fixed',
          'This person belongs to other accounts too; they change their name themselves',
        );
      }
      await store.setUserName(trx, before.user_id, input.name.trim(), now);
    }
    if (changesAccess) changed({ kind: 'member', id: memberId });
    const after = await loadTarget(deps, access, memberId, trx);
    await recordAccessEvent(trx, access, now, {
      action: role ? 'member.role_changed' : 'member.updated',
      target: { type: 'member', id: memberId, name: after.name || after.email },
      before: auditShape(deps.catalog, before),
      after: auditShape(deps.catalog, after),
    });
    return memberView(deps.catalog, after);
  });
}

/** What the security log keeps of a member: access-relevant fields, no secrets. */
function auditShape(catalog: Catalog, row: store.MemberRow) {
  const view = memberView(catalog, row);
  return {
    name: view.name,
    status: view.status,
    role: view.role,
    permissions: view.permissions,
    profileIds: view.profileIds,
    resourceScope: view.resourceScope,
    flags: view.flags,
    identity: view.identity,
  };
}

type StatusAction = 'deactivate' | 'reactivate' | 'remove';

const transitions: Record<
  StatusAction,
  { permission: ServicePermission; from: store.MemberStatus[]; to: store.MemberStatus; event: string }
> = {
  deactivate: { permission: 'users.deactivate', from: ['active'], to: 'inactive', event: 'member.deactivated' },
  reactivate: { permission: 'users.deactivate', from: ['inactive'], to: 'active', event: 'member.reactivated' },
  remove: {
    permission: 'users.delete',
    from: ['invited', 'active', 'inactive'],
    to: 'removed',
    event: 'member.removed',
  },
};

/**
 * Deactivates, reactivates or removes a member (PRODUCT rule 4). The actor's and the target's
 * rows are locked together, so two admins removing each other at once cannot both succeed,
 * and the owner is never a target. Deactivation and removal take effect on the member's very
 * next request (their compiled access is invalidated everywhere) and end their sessions when
 * this was their last active membership.
 */
export async function changeStatus(
  deps: MembersDeps,
  access: AccountAccess,
  memberId: string,
  action: StatusAction,
): Promise<MemberView> {
  const transition = transitions[action];
  requirePermission(access, transition.permission);
  const snapshot = await targetSnapshot(deps, access, memberId);
  assertCanManage(access, snapshot);
  const now = deps.clock.now();
  const actorId = access.member?.snapshot.memberId;
  return deps.access.commit(async (trx, changed) => {
    const locked = await store.lockMembers(trx, access.accountId, actorId ? [memberId, actorId] : [memberId]);
    if (actorId && locked.get(actorId)?.status !== 'active')
      throw new AppError('authz.forbidden', 'Your membership is no longer active');
    const current = locked.get(memberId);
    if (!current || current.status === 'removed') throw new AppError('member.not_found');
    if (current.is_owner) throw new AppError('member.owner_protected');
    if (!transition.from.includes(current.status)) {
      throw new AppError(
        'member.invalid_transition',
        `A member who is ${current.status} cannot be ${transition.to === 'active' ? 'reactivated' : transition.to}`,
      );
    }
    await store.setStatus(trx, access.accountId, memberId, transition.to, now);
    if (action === 'remove') await revokeMemberInvitations(trx, access.accountId, memberId, now);
    changed({ kind: 'member', id: memberId });
    // PRODUCT rule 4: this account refuses them on their next request already (the snapshot
    // above). Sessions belong to the person, not to one account: they end only when this was
    // the person's last active membership, so a member of two accounts keeps working in the other.
    const lastActive =
      transition.to !== 'active' && !(await store.hasOtherActiveMembership(trx, current.user_id, memberId));
    const sessionsEnded = lastActive ? await deps.endSessions(trx, current.user_id) : 0;
    const after = await loadTarget(deps, access, memberId, trx);
    await recordAccessEvent(trx, access, now, {
      action: transition.event,
      target: { type: 'member', id: memberId, name: after.name || after.email },
      before: { status: current.status },
      after: transition.to === 'active' ? { status: transition.to } : { status: transition.to, sessionsEnded },
    });
    return memberView(deps.catalog, after);
  });
}

/**
 * Assigns or unassigns one registered resource (a payout bank account, say) to a member
 * whose access to that type is limited to a list. Inactive members are refused; invited ones
 * only for types the catalog lets be assigned before activation (PRODUCT rule 6).
 */
export async function setResourceAssignment(
  deps: MembersDeps,
  access: AccountAccess,
  memberId: string,
  type: string,
  externalId: string,
  assigned: boolean,
): Promise<MemberView> {
  requirePermission(access, 'users.edit');
  const snapshot = await targetSnapshot(deps, access, memberId);
  assertCanManage(access, snapshot);
  if (assigned)
    assertCanGrantScope(access, {
      resourceScope: {
        ...Object.fromEntries([...(access.member?.snapshot.resourceScope ?? [])].map(([t, ids]) => [t, [...ids]])),
        [type]: [externalId],
      },
    });
  const now = deps.clock.now();
  return deps.access.commit(async (trx, changed) => {
    const current = (await store.lockMembers(trx, access.accountId, [memberId])).get(memberId);
    if (!current || current.status === 'removed') throw new AppError('member.not_found');
    if (current.status === 'inactive')
      throw new AppError('member.not_active', 'Inactive members cannot be given resources; reactivate them first');
    await assertResourcesExist(deps.catalog, trx, access.accountId, { [type]: [externalId] });
    const before = await loadTarget(deps, access, memberId, trx);
    const ids = before.resource_scope[type];
    if (!ids) {
      const name = deps.catalog.resourceType(type)?.name.toLowerCase() ?? type;
      throw new AppError(
        'member.resources_unlimited',
        assigned
          ? `This member already has every ${name}, so there is no list to add to. To limit them to some, PATCH the member with "resources": {"${type}": ["${externalId}", …]}; then assign or unassign one at a time here.`
          : `This member has every ${name}, so there is no list to take one from. To limit them, PATCH the member with "resources": {"${type}": [the ids they keep]}.`,
      );
    }
    const next = assigned ? [...new Set([...ids, externalId])] : ids.filter((id) => id !== externalId);
    // Invited members: only types the catalog lets be assigned before activation (PRODUCT rule 6).
    assertScopeChangeAllowed(deps.catalog, current.status, before.resource_scope, {
      ...before.resource_scope,
      [type]: next,
    });
    await store.updateMember(
      trx,
      access.accountId,
      memberId,
      { resourceScope: { ...before.resource_scope, [type]: next } },
      now,
    );
    changed({ kind: 'member', id: memberId });
    await recordAccessEvent(trx, access, now, {
      action: assigned ? 'member.resource_assigned' : 'member.resource_unassigned',
      target: { type: 'member', id: memberId, name: before.name || before.email },
      before: { [type]: ids },
      after: { [type]: next },
    });
    return memberView(deps.catalog, await loadTarget(deps, access, memberId, trx));
  });
}

/** What a member would gain and lose by moving to another role, before anyone confirms it. */
export async function previewRoleChange(deps: MembersDeps, access: AccountAccess, memberId: string, roleId: string) {
  requirePermission(access, 'users.edit');
  const snapshot = await targetSnapshot(deps, access, memberId);
  const target = await resolveAssignableRole(deps, deps.access.database.db, access.accountId, roleId);
  return diffGrants(snapshot.grants, compileGrants(deps.catalog, target.grants));
}
