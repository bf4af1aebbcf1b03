import type { AccessService } from '../access/access-service.js';
import type { MemberEntry } from '../access/access-cache.js';
import { can, type CompiledGrants, type DenyReason } from '../authz/engine.js';
import type { Actor } from '../access/actor.js';
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
  /** Required: without it every `subject: { apiKeyId }` would answer unknown_subject. */
  resolveApiKeySubject: ApiKeySubjectResolver;
}

interface Subject {
  member: MemberEntry;
  limit: CompiledGrants | undefined;
  isKey?: boolean;
}

const unknownSubject: CheckResult = { allowed: false, reason: 'unknown_subject' };
/** The answer depends on a registered resource's owner or profile, which is in the database. */
const needsResource = Symbol('needsResource');

async function resolveSubject(deps: ChecksDeps, input: CheckInput): Promise<Subject | undefined> {
  const { subject, accountId } = input;
  if ('memberId' in subject) {
    const member = await deps.access.member(subject.memberId);
    return member && member.snapshot.accountId === accountId ? { member, limit: undefined } : undefined;
  }
  if ('userId' in subject) {
    const member = await deps.access.membershipOf(accountId, subject.userId);
    return member ? { member, limit: undefined } : undefined;
  }
  const key = await deps.resolveApiKeySubject(accountId, subject.apiKeyId);
  if (!key) return undefined;
  const member = await deps.access.member(key.memberId);
  return member && member.snapshot.accountId === accountId ? { member, limit: key.limit, isKey: true } : undefined;
}

function toResult(decision: ReturnType<typeof can>): CheckResult {
  return decision.allowed ? { allowed: true, reason: 'granted', scope: decision.scope } : { allowed: false, reason: decision.reason };
}

/** The decision from memory alone, or `needsResource` when a registered resource must be read. */
function decideInMemory(input: CheckInput, subject: Subject): CheckResult | typeof needsResource {
  if (subject.isKey) {
    const blocked = keyBlocked(subject.member);
    if (blocked) return { allowed: false, reason: blocked };
  }
  const { snapshot } = subject.member;
  const resource = input.resource && { type: input.resource.type, id: input.resource.id, ownerMemberId: input.resource.ownerMemberId, profileId: undefined };
  const decision = can(snapshot, input.permission, { profileId: input.profileId, resource }, subject.limit);
  if (!resource || !decision.allowed) return toResult(decision);
  const ownerUnknown = decision.scope === 'own' && resource.ownerMemberId === undefined;
  const profileUnknown = snapshot.profileIds !== null && !snapshot.isOwner;
  return ownerUnknown || profileUnknown ? needsResource : toResult(decision);
}

/**
 * One authorization decision for the platform's services: answered without a single await
 * when the member is already compiled and no registered resource must be read (the common
 * case, and what keeps a 1,000-check batch fast), otherwise after loading what it needs.
 */
export function check(deps: ChecksDeps, caller: Actor, input: CheckInput): CheckResult | Promise<CheckResult> {
  // An API key may ask only about its own account.
  if (caller.type === 'api_key' && caller.accountId !== input.accountId) return unknownSubject;
  const member = 'memberId' in input.subject ? deps.access.loadedMember(input.subject.memberId) : undefined;
  if (member) {
    if (member.snapshot.accountId !== input.accountId) return unknownSubject;
    const decision = decideInMemory(input, { member, limit: undefined });
    if (decision !== needsResource) return decision;
  }
  return checkAfterLoading(deps, input);
}

/**
 * The rest: a first-time membership load, an API key or user subject, and a registered
 * resource looked up only when the answer depends on who owns it or which profile it belongs
 * to and the caller did not say.
 */
async function checkAfterLoading(deps: ChecksDeps, input: CheckInput): Promise<CheckResult> {
  const subject = await resolveSubject(deps, input);
  if (!subject) return unknownSubject;
  const first = decideInMemory(input, subject);
  if (first !== needsResource) return first;
  const given = input.resource!;
  const registered = await findResource(deps.access.database.db, input.accountId, given.type, given.id);
  const resource = {
    type: given.type,
    id: given.id,
    ownerMemberId: given.ownerMemberId === undefined ? (registered?.owner_member_id ?? null) : given.ownerMemberId,
    profileId: registered?.profile_id ?? null,
  };
  return toResult(can(subject.member.snapshot, input.permission, { profileId: input.profileId, resource }, subject.limit));
}
