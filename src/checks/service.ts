import type { AccessService } from '../access/access-service.js';
import type { MemberEntry } from '../access/access-cache.js';
import type { RegisteredResource } from '../access/resource-index.js';
import {
  type CompiledGrants,
  type Decision,
  decideBit,
  type DenyReason,
  type MemberSnapshot,
} from '../authz/engine.js';
import { hasBit } from '../authz/grants.js';
import type { Actor } from '../access/actor.js';
import { keyBlocked } from '../access/guard.js';

export interface CheckInput {
  accountId: string;
  subject: { memberId: string } | { userId: string } | { apiKeyId: string };
  permission: string;
  profileId?: string | undefined;
  /**
   * `profileId` and `ownerMemberId` are what the caller knows of the resource; a registered
   * resource's own values win over them.
   */
  resource?:
    | { type: string; id: string; ownerMemberId?: string | null | undefined; profileId?: string | null | undefined }
    | undefined;
}

export type CheckResult =
  | { readonly allowed: true; readonly reason: 'granted'; readonly scope: 'all' | 'own' }
  | { readonly allowed: false; readonly reason: DenyReason | 'unknown_subject' | 'api_access_disabled' };

/** Finds an API key's member and permission subset, for `subject: { apiKeyId }`. */
export type ApiKeySubjectResolver = (
  accountId: string,
  apiKeyId: string,
) => Promise<{ memberId: string; limit: CompiledGrants | undefined } | undefined>;

export interface ChecksDeps {
  access: AccessService;
  /** Required: without it every `subject: { apiKeyId }` would answer unknown_subject. */
  resolveApiKeySubject: ApiKeySubjectResolver;
}

interface Subject {
  member: MemberEntry;
  limit: CompiledGrants | undefined;
  isKey: boolean;
}

const unknownSubject: CheckResult = Object.freeze({ allowed: false, reason: 'unknown_subject' });
const unknownPermission: CheckResult = Object.freeze({ allowed: false, reason: 'unknown_permission' });
const blockedResults = {
  api_access_disabled: Object.freeze({ allowed: false, reason: 'api_access_disabled' }),
  member_not_active: Object.freeze({ allowed: false, reason: 'member_not_active' }),
} as const satisfies Record<string, CheckResult>;

/** Decisions are frozen constants of the same shape as results: answering allocates nothing. */
const asResult = (decision: Decision) => decision as CheckResult;

async function resolveSubject(
  deps: ChecksDeps,
  accountId: string,
  subject: CheckInput['subject'],
): Promise<Subject | undefined> {
  if ('memberId' in subject) {
    const member = await deps.access.memberOf(accountId, subject.memberId);
    return member ? { member, limit: undefined, isKey: false } : undefined;
  }
  if ('userId' in subject) {
    const member = await deps.access.membershipOf(accountId, subject.userId);
    return member ? { member, limit: undefined, isKey: false } : undefined;
  }
  const key = await deps.resolveApiKeySubject(accountId, subject.apiKeyId);
  if (!key) return undefined;
  const member = await deps.access.memberOf(accountId, key.memberId);
  return member ? { member, limit: key.limit, isKey: true } : undefined;
}

/**
 * Does the answer depend on the named resource's profile or owner? Only for a member limited
 * to some profiles, or when the grant (or the key's subset) covers own records only.
 */
function dependsOnResource(snapshot: MemberSnapshot, bit: number, limit: CompiledGrants | undefined): boolean {
  if (snapshot.isOwner) return false;
  return (
    snapshot.profileIds !== null ||
    !hasBit(snapshot.grants.all, bit) ||
    (limit !== undefined && !hasBit(limit.all, bit))
  );
}

/**
 * The decision from memory, or undefined when a registered resource must be read first. The
 * registered resource's profile and owner win over what the caller said; an unregistered one
 * is taken as the caller describes it (no profile, no owner when not said).
 */
function decideInMemory(
  deps: ChecksDeps,
  input: CheckInput,
  snapshot: MemberSnapshot,
  limit: CompiledGrants | undefined,
  registered?: RegisteredResource | null,
): CheckResult | undefined {
  const bit = snapshot.grants.catalog.permissionIndex.get(input.permission);
  if (bit === undefined) return unknownPermission;
  const resource = input.resource;
  if (resource === undefined)
    return asResult(decideBit(snapshot, bit, input.profileId, undefined, undefined, undefined, undefined, limit));
  if (!dependsOnResource(snapshot, bit, limit)) {
    return asResult(
      decideBit(snapshot, bit, input.profileId, resource.type, resource.id, undefined, resource.ownerMemberId, limit),
    );
  }
  const known =
    registered !== undefined ? registered : deps.access.resources.lookup(input.accountId, resource.type, resource.id);
  if (known === undefined) return undefined;
  const profile = known !== null ? known.profileId : resource.profileId;
  const owner = known !== null ? known.ownerMemberId : (resource.ownerMemberId ?? null);
  return asResult(decideBit(snapshot, bit, input.profileId, resource.type, resource.id, profile, owner, limit));
}

function decideFor(
  deps: ChecksDeps,
  input: CheckInput,
  subject: Subject,
  registered?: RegisteredResource | null,
): CheckResult | undefined {
  if (subject.isKey) {
    const blocked = keyBlocked(subject.member);
    if (blocked) return blockedResults[blocked];
  }
  return decideInMemory(deps, input, subject.member.snapshot, subject.limit, registered);
}

/**
 * One authorization decision for the platform's services: answered without a single await
 * (and without allocating) when the member is compiled and the account's registered resources
 * are in memory, otherwise after loading what it needs.
 */
export function check(deps: ChecksDeps, caller: Actor, input: CheckInput): CheckResult | Promise<CheckResult> {
  return (
    answerFromMemory(deps, caller, input) ??
    checkAfterLoading(deps, input, resolveSubject(deps, input.accountId, input.subject))
  );
}

/** The answer when everything it needs is in memory; undefined when something must be loaded. */
function answerFromMemory(deps: ChecksDeps, caller: Actor, input: CheckInput): CheckResult | undefined {
  // An API key may ask only about its own account.
  if (caller.type === 'api_key' && caller.accountId !== input.accountId) return unknownSubject;
  const memberId = (input.subject as { memberId?: string }).memberId;
  if (memberId !== undefined) {
    const member = deps.access.loadedMember(memberId);
    if (member !== undefined) {
      if (member.snapshot.accountId !== input.accountId) return unknownSubject;
      return decideInMemory(deps, input, member.snapshot, undefined);
    }
  }
  return undefined;
}

/**
 * The rest: a first load of the member (or its account), a key or user subject, a resource
 * index load.
 */
async function checkAfterLoading(
  deps: ChecksDeps,
  input: CheckInput,
  resolving: Promise<Subject | undefined>,
): Promise<CheckResult> {
  // While the member loads, so may the account's resources (the decision may need them).
  if (input.resource !== undefined) deps.access.resources.prefetch(input.accountId);
  const subject = await resolving;
  if (!subject) return unknownSubject;
  const first = decideFor(deps, input, subject);
  if (first !== undefined) return first;
  const { type, id } = input.resource!;
  const registered = await deps.access.resources.resolve(input.accountId, type, id);
  return decideFor(deps, input, subject, registered)!;
}

/**
 * Many decisions in order. Checks naming the same subject object (a batch's shared subject)
 * in the same account share one subject resolution; answers from memory do not wait on the
 * others' loads.
 */
export function checkMany(
  deps: ChecksDeps,
  caller: Actor,
  inputs: CheckInput[],
): CheckResult[] | Promise<CheckResult[]> {
  const results = new Array<CheckResult>(inputs.length);
  const resolved = new Map<CheckInput['subject'], { accountId: string; subject: Promise<Subject | undefined> }>();
  let waiting: Promise<void>[] | undefined;
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index];
    const answer = answerFromMemory(deps, caller, input);
    if (answer !== undefined) {
      results[index] = answer;
      continue;
    }
    let shared = resolved.get(input.subject);
    if (shared === undefined) {
      shared = { accountId: input.accountId, subject: resolveSubject(deps, input.accountId, input.subject) };
      resolved.set(input.subject, shared);
    }
    const subject =
      shared.accountId === input.accountId ? shared.subject : resolveSubject(deps, input.accountId, input.subject);
    const settled = checkAfterLoading(deps, input, subject);
    (waiting ??= []).push(settled.then((result) => void (results[index] = result)));
  }
  return waiting === undefined ? results : Promise.all(waiting).then(() => results);
}
