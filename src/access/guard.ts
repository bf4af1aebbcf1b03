import { can, type CompiledGrants, type Decision } from '../authz/engine.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import type { AccessService } from './access-service.js';
import type { MemberEntry } from './access-cache.js';
import type { Actor } from './actor.js';
import type { ServicePermission } from './permissions.js';

/** Who is acting in one account, resolved once per request. */
export interface AccountAccess {
  accountId: string;
  actor: Actor;
  context: RequestContext;
  /** The acting membership; null when the platform acts. */
  member: MemberEntry | null;
  /** An API key's permission subset, when a key acts. */
  keyLimit: CompiledGrants | undefined;
}

export type CheckContext = Parameters<typeof can>[2];

/**
 * Resolves the caller's standing in `accountId`. Someone with no membership there gets
 * 404 `account.not_found`, exactly as for an account that does not exist, so ids from
 * another tenant reveal nothing.
 */
export async function accessAccount(
  access: AccessService,
  actor: Actor | null,
  accountId: string,
  context: RequestContext,
  keyLimit?: CompiledGrants,
): Promise<AccountAccess> {
  if (!actor) throw new AppError('auth.required');
  if (actor.type === 'platform') {
    if (!(await access.accountExists(accountId))) throw new AppError('account.not_found');
    return { accountId, actor, context, member: null, keyLimit: undefined };
  }
  if (actor.type === 'api_key' && actor.accountId !== accountId) throw new AppError('account.not_found');
  const member =
    actor.type === 'api_key' ? await access.member(actor.memberId) : await access.membershipOf(accountId, actor.userId);
  if (
    !member ||
    member.snapshot.accountId !== accountId ||
    member.snapshot.status === 'removed' ||
    member.snapshot.status === 'invited'
  ) {
    throw new AppError('account.not_found');
  }
  if (member.snapshot.status !== 'active')
    throw new AppError('authz.forbidden', 'Your membership in this account is not active');
  if (actor.type === 'api_key') {
    const blocked = keyBlocked(member);
    if (blocked) throw new AppError('authz.forbidden', `This API key cannot act: ${blocked.replace(/_/g, ' ')}`);
  }
  return { accountId, actor, context, member, keyLimit };
}

/**
 * Why a member's API keys cannot act right now, or null when they can: keys lose their
 * power the moment their member is deactivated, their account suspended, or the member loses
 * the apiAccess flag or the api.access permission (PRODUCT rule 11).
 */
export function keyBlocked(entry: MemberEntry): 'member_not_active' | 'api_access_disabled' | null {
  if (entry.snapshot.status !== 'active' || !entry.snapshot.accountActive) return 'member_not_active';
  if (!entry.snapshot.flags.apiAccess || !can(entry.snapshot, 'api.access' satisfies ServicePermission).allowed)
    return 'api_access_disabled';
  return null;
}

/** The decision for the acting member (the platform may do anything). */
export function decide(access: AccountAccess, permission: ServicePermission, context?: CheckContext): Decision {
  if (!access.member) return { allowed: true, scope: 'all', reason: 'granted' };
  return can(access.member.snapshot, permission, context, access.keyLimit);
}

/**
 * Throws 403 `authz.forbidden` naming the permission unless the actor holds it. Only the
 * permissions the service checks itself (see permissions.ts), so none can be misspelt.
 */
export function requirePermission(
  access: AccountAccess,
  permission: ServicePermission,
  context?: CheckContext,
): Decision {
  const decision = decide(access, permission, context);
  if (!decision.allowed) {
    throw new AppError('authz.forbidden', `You need the ${permission} permission (${decision.reason})`);
  }
  return decision;
}
