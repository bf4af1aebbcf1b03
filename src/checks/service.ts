import type { AccessService } from '../access/access-service.js';
import type { MemberEntry } from '../access/access-cache.js';
import { can, type CompiledGrants, type DenyReason } from '../authz/engine.js';
import type { Actor } from '../http/actor.js';
import { findResource } from '../resources/store.js';
import { keyBlocked } from '../access/guard.js';

export interface CheckInput {
  accountId: string;
  subject: { memberId: string } | { userId: string } | { apiKeyId: string };
  permission: string;
  profileId?: string;
  resource?: { type: string; id: string; ownerMemberId?: string | null };
}

export type CheckResult =
  | { allowed: true; reason: 'granted'; scope: 'all' | 'own' }
  | { allowed: false; reason: DenyReason | 'unknown_subject' | 'api_access_disabled' };

/** Finds an API key's member and permission subset, for `subject: { apiKeyId }`. */
export type ApiKeySubjectResolver = (accountId: string, apiKeyId: string) => Promise<{ memberId: string; limit: CompiledGrants | undefined } | undefined>;

export interface ChecksDeps {
  access: AccessService;
  resolveApiKeySubject?: ApiKeySubjectResolver;
}

const unknownSubject: CheckResult = { allowed: false, reason: 'unknown_subject' };

async function resolveSubject(deps: ChecksDeps, input: CheckInput): Promise<{ member: MemberEntry; limit: CompiledGrants | undefined; isKey?: boolean } | undefined> {
  const { subject, accountId } = input;
  if ('memberId' in subject) {
    const member = await deps.access.member(subject.memberId);
    return member && member.snapshot.accountId === accountId ? { member, limit: undefined } : undefined;
  }
  if ('userId' in subject) {
    const member = await deps.access.membershipOf(accountId, subject.userId);
    return member ? { member, limit: undefined } : undefined;
  }
  const key = await deps.resolveApiKeySubject?.(accountId, subject.apiKeyId);
  if (!key) return undefined;
  const member = await deps.access.member(key.memberId);
  return member && member.snapshot.accountId === accountId ? { member, limit: key.limit, isKey: true } : undefined;
}

/**
 * One authorization decision for the platform's services. Everything but a first-time
 * membership load is in memory; a registered resource is looked up only when the answer
 * depends on who owns it or which profile it belongs to and the caller did not say.
 */
export async function check(deps: ChecksDeps, caller: Actor, input: CheckInput): Promise<CheckResult> {
  // An API key may ask only about its own account.
  if (caller.type === 'api_key' && caller.accountId !== input.accountId) return unknownSubject;
  const subject = await resolveSubject(deps, input);
  if (!subject) return unknownSubject;
  if (subject.isKey) {
    const blocked = keyBlocked(subject.member);
    if (blocked) return { allowed: false, reason: blocked };
  }
  const { snapshot } = subject.member;
  let resource = input.resource ? { type: input.resource.type, id: input.resource.id, ownerMemberId: input.resource.ownerMemberId, profileId: undefined as string | null | undefined } : undefined;
  const context = { profileId: input.profileId, resource };
  let decision = can(snapshot, input.permission, context, subject.limit);
  const ownerUnknown = decision.allowed && decision.scope === 'own' && resource?.ownerMemberId === undefined;
  const profileUnknown = decision.allowed && snapshot.profileIds !== null && !snapshot.isOwner && resource !== undefined;
  if (resource && (ownerUnknown || profileUnknown)) {
    const registered = await findResource(deps.access.database.db, input.accountId, resource.type, resource.id);
    resource = {
      ...resource,
      ownerMemberId: resource.ownerMemberId === undefined ? (registered?.owner_member_id ?? null) : resource.ownerMemberId,
      profileId: registered?.profile_id ?? null,
    };
    decision = can(snapshot, input.permission, { profileId: input.profileId, resource }, subject.limit);
  }
  return decision.allowed ? { allowed: true, reason: 'granted', scope: decision.scope } : { allowed: false, reason: decision.reason };
}
