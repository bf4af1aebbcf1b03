import { compileGrants, isSubsetOf, type MemberSnapshot } from '../authz/engine.js';
import { type Catalog, type Grant, validateGrants } from '../catalog/catalog.js';
import { AppError } from '../shared/app-error.js';
import type { AccountAccess } from './guard.js';

// No escalation (PRODUCT rule 2), in one place: nobody grants a permission, scope, profile,
// resource or flag they do not hold, and nobody manages a member who has access they lack.
// Roles, invitations, member edits and API keys all ask here. The platform is unbounded,
// and so is the owner for scope (they hold every profile and resource).

/** 400 naming each bad grant (unknown permission, `own` where not accepted, owner-only). */
export function assertValidGrants(catalog: Catalog, grants: Grant[], field = 'body/permissions'): void {
  const problems = validateGrants(catalog, grants);
  if (problems.length > 0) {
    throw new AppError('request.invalid', 'Some permissions cannot be granted', {
      errors: problems.map((problem) => ({ field: `${field}/${problem.permission}`, message: problem.message })),
    });
  }
}

/**
 * No escalation (PRODUCT rule 2): every grant must already be held by the actor, at the same
 * or a wider scope, and by the API key the actor uses, if any. The platform is unbounded.
 */
export function assertCanGrant(catalog: Catalog, access: AccountAccess, grants: Grant[]): void {
  if (!access.member) return;
  const candidate = compileGrants(catalog, grants);
  const held =
    isSubsetOf(candidate, access.member.snapshot.grants) &&
    (!access.keyLimit || isSubsetOf(candidate, access.keyLimit));
  if (!held) throw new AppError('authz.escalation', 'You can only grant permissions that you hold yourself');
}

export interface Scope {
  profileIds: string[] | null;
  resourceScope: Record<string, string[]>;
}

/** Is `candidate` (null = every profile) within `holder`'s profiles? */
function profilesWithin(candidate: readonly string[] | null, holder: ReadonlySet<string> | null): boolean {
  if (holder === null) return true;
  return candidate !== null && candidate.every((id) => holder.has(id));
}

/** Is every resource limit of the holder also a limit of the candidate, with fewer or equal ids? */
function resourcesWithin(
  candidate: Record<string, string[]>,
  holder: ReadonlyMap<string, ReadonlySet<string>>,
): boolean {
  for (const [type, held] of holder) {
    const wanted = candidate[type];
    if (!wanted || !wanted.every((id) => held.has(id))) return false;
  }
  return true;
}

function actingSnapshot(access: AccountAccess): MemberSnapshot | null {
  return access.member && !access.member.snapshot.isOwner ? access.member.snapshot : null;
}

/**
 * No escalation through scope or flags: profiles and resources given must lie within the
 * actor's own, and a flag can be switched on only by someone who has it on.
 */
export function assertCanGrantScope(
  access: AccountAccess,
  scope: Partial<Scope>,
  flags?: Record<string, boolean>,
): void {
  const actor = actingSnapshot(access);
  if (!actor) return;
  if (scope.profileIds !== undefined && !profilesWithin(scope.profileIds, actor.profileIds)) {
    throw new AppError('authz.escalation', 'You can only give access to profiles you can access yourself');
  }
  if (scope.resourceScope !== undefined && !resourcesWithin(scope.resourceScope, actor.resourceScope)) {
    throw new AppError('authz.escalation', 'You can only give access to resources you can access yourself');
  }
  for (const [flag, on] of Object.entries(flags ?? {})) {
    if (on && actor.flags[flag] !== true)
      throw new AppError('authz.escalation', `You cannot switch on ${flag}, which you do not have`);
  }
}

/**
 * Managing a member (changing, deactivating, removing) needs at least their access: a support
 * agent with users.edit cannot demote an administrator. The owner is never a target.
 */
export function assertCanManage(access: AccountAccess, target: MemberSnapshot): void {
  if (target.isOwner)
    throw new AppError(
      'member.owner_protected',
      'The owner cannot be changed, deactivated or removed; transfer ownership first',
    );
  if (access.member?.snapshot.memberId === target.memberId)
    throw new AppError('authz.self_change', 'You cannot change your own role, scope or status');
  const actor = actingSnapshot(access);
  if (!actor) return;
  const targetScope: Scope = {
    profileIds: target.profileIds ? [...target.profileIds] : null,
    resourceScope: Object.fromEntries([...target.resourceScope].map(([type, ids]) => [type, [...ids]])),
  };
  const outranked =
    isSubsetOf(target.grants, actor.grants) &&
    profilesWithin(targetScope.profileIds, actor.profileIds) &&
    resourcesWithin(targetScope.resourceScope, actor.resourceScope);
  if (!outranked) throw new AppError('authz.escalation', 'You cannot manage a member who has access you do not have');
}
