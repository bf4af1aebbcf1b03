import type { Catalog, Grant } from '../catalog/catalog.js';
import { type CompiledGrants, hasBit } from './grants.js';

export { compileGrants, type CompiledGrants, diffGrants, fullGrants, grantList, isSubsetOf } from './grants.js';

/** Everything a decision needs about one membership, compiled once and kept in memory. */
export interface MemberSnapshot {
  memberId: string;
  accountId: string;
  status: 'invited' | 'active' | 'inactive' | 'removed';
  isOwner: boolean;
  accountActive: boolean;
  twoFactorRequired: boolean;
  twoFactorEnrolled: boolean;
  grants: CompiledGrants;
  /** null: every profile. */
  profileIds: ReadonlySet<string> | null;
  /** A type present limits the member to those ids; an absent type is unlimited. */
  resourceScope: ReadonlyMap<string, ReadonlySet<string>>;
  flags: Readonly<Record<string, boolean>>;
}

export type DenyReason =
  | 'unknown_permission'
  | 'account_inactive'
  | 'member_not_active'
  | 'two_factor_not_enrolled'
  | 'permission_not_granted'
  | 'owner_only'
  | 'profile_out_of_scope'
  | 'resource_out_of_scope'
  | 'not_resource_owner'
  | 'key_scope_exceeded';

/** `scope: 'own'` tells the caller to limit the action to the member's own records. */
export type Decision =
  { allowed: true; scope: 'all' | 'own'; reason: 'granted' } | { allowed: false; reason: DenyReason };

export interface CheckContext {
  profileId?: string | undefined;
  resource?:
    | {
        type: string;
        id: string;
        /** undefined: not known (the answer may then be `own`); null: nobody owns it. */
        ownerMemberId?: string | null | undefined;
        profileId?: string | null | undefined;
      }
    | undefined;
}

const grantedAll: Decision = Object.freeze({ allowed: true, scope: 'all', reason: 'granted' });
const grantedOwn: Decision = Object.freeze({ allowed: true, scope: 'own', reason: 'granted' });
const denied = (reason: DenyReason): Decision => deniedDecisions[reason];
const deniedDecisions = Object.fromEntries(
  (
    [
      'unknown_permission',
      'account_inactive',
      'member_not_active',
      'two_factor_not_enrolled',
      'permission_not_granted',
      'owner_only',
      'profile_out_of_scope',
      'resource_out_of_scope',
      'not_resource_owner',
      'key_scope_exceeded',
    ] as const
  ).map((reason) => [reason, Object.freeze({ allowed: false, reason })]),
) as Record<DenyReason, Decision>;

/**
 * May this member do `permission` (on this profile / resource)? Allowed only when the account
 * and the membership are active, 2FA is enrolled where the account requires it, the grants
 * hold the permission (owner-only ones for the owner alone), the profile and resource are in
 * the member's scope and, for an `own` grant, the member owns the resource. `limit` is an API
 * key's subset: the key never does more than both its member and its subset allow.
 *
 * @example
 * can(member, 'refunds.issue', { resource: { type: 'gateway', id: 'gw_1' } });
 * // → { allowed: true, scope: 'all', reason: 'granted' }
 */
export function can(
  member: MemberSnapshot,
  permission: string,
  context?: CheckContext,
  limit?: CompiledGrants,
): Decision {
  const bit = member.grants.catalog.permissionIndex.get(permission);
  if (bit === undefined) return denied('unknown_permission');
  return canBit(member, bit, context, limit);
}

/** {@link can} with the permission already resolved to its bit (batch and benchmark paths). */
export function canBit(member: MemberSnapshot, bit: number, context?: CheckContext, limit?: CompiledGrants): Decision {
  const resource = context?.resource;
  return decideBit(
    member,
    bit,
    context?.profileId,
    resource?.type,
    resource?.id,
    resource?.profileId,
    resource?.ownerMemberId,
    limit,
  );
}

/**
 * The decision itself, with the context as plain arguments so that the hot path of a check
 * allocates nothing: `resourceType` undefined means no resource is named; `resourceOwner`
 * undefined means the owner is not known (an `own` grant then answers `own`).
 */
export function decideBit(
  member: MemberSnapshot,
  bit: number,
  profileId: string | undefined,
  resourceType: string | undefined,
  resourceId: string | undefined,
  resourceProfile: string | null | undefined,
  resourceOwner: string | null | undefined,
  limit: CompiledGrants | undefined,
): Decision {
  if (!member.accountActive) return denied('account_inactive');
  if (member.status !== 'active') return denied('member_not_active');
  if (member.twoFactorRequired && !member.twoFactorEnrolled) return denied('two_factor_not_enrolled');
  let scope: 'all' | 'own';
  if (member.isOwner) scope = 'all';
  else {
    if (member.grants.catalog.ownerOnlyBits[bit]) return denied('owner_only');
    if (hasBit(member.grants.all, bit)) scope = 'all';
    else if (hasBit(member.grants.own, bit)) scope = 'own';
    else return denied('permission_not_granted');
  }
  if (limit) {
    if (!hasBit(limit.all, bit)) {
      if (!hasBit(limit.own, bit)) return denied('key_scope_exceeded');
      scope = 'own';
    }
  }
  if (!member.isOwner) {
    const profiles = member.profileIds;
    if (profiles !== null) {
      if (profileId !== undefined && !profiles.has(profileId)) return denied('profile_out_of_scope');
      if (resourceProfile && !profiles.has(resourceProfile)) return denied('profile_out_of_scope');
    }
    if (resourceType !== undefined && member.resourceScope.size > 0) {
      const limited = member.resourceScope.get(resourceType);
      if (
        limited &&
        !limited.has(resourceId!) &&
        member.grants.catalog.resourceTypesByBit[bit].includes(resourceType)
      ) {
        return denied('resource_out_of_scope');
      }
    }
  }
  if (scope === 'own') {
    if (resourceOwner !== undefined && resourceOwner !== member.memberId) return denied('not_resource_owner');
    return grantedOwn;
  }
  return grantedAll;
}

/** The member's effective permissions with their scopes (the owner: everything). */
export function effectivePermissions(catalog: Catalog, member: MemberSnapshot): Grant[] {
  const list: Grant[] = [];
  catalog.permissions.forEach((permission, bit) => {
    if (member.isOwner || hasBit(member.grants.all, bit)) list.push({ permission, scope: 'all' });
    else if (hasBit(member.grants.own, bit)) list.push({ permission, scope: 'own' });
  });
  return list;
}
