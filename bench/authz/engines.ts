// The same decisions four ways, each from the same CheckInput objects: Gatehouse's check()
// (the function behind POST /v1/authz/check), a hand-written bit set, CASL and casbin. The
// three others resolve a named resource against the registered ones as check() does (the
// registered resource's profile and owner win; an unregistered one is taken as described),
// so that all four answer the same question.
import { createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import type { Catalog } from '../../src/catalog/catalog.js';
import { check, type CheckInput, type ChecksDeps } from '../../src/checks/service.js';
import type { Actor } from '../../src/access/actor.js';
import type { BenchPolicy, BenchResource } from './policy.js';

export type Decide = (query: CheckInput) => boolean;

const platform: Actor = { type: 'platform' };

/** check() itself; a check that had to load anything returns a promise and is counted. */
export function gatehouse(deps: ChecksDeps, counts: { loaded: number }): Decide {
  return (q) => {
    const answer = check(deps, platform, q);
    if (answer instanceof Promise) {
      counts.loaded++;
      answer.catch(() => {});
      return false;
    }
    return answer.allowed;
  };
}

/** The registered resources by type then id, as the three other engines' callers would keep them. */
function registry(resources: BenchResource[]): Map<string, Map<string, BenchResource>> {
  const byType = new Map<string, Map<string, BenchResource>>();
  for (const resource of resources) {
    let ids = byType.get(resource.type);
    if (!ids) byType.set(resource.type, (ids = new Map()));
    ids.set(resource.id, resource);
  }
  return byType;
}

interface BitMember {
  id: string;
  active: boolean;
  all: Uint32Array;
  own: Uint32Array;
  profiles: Set<string> | null;
  bankAccounts: Set<string> | null;
}

/**
 * The floor: what a hand-written in-process engine needs for the same answer, with members,
 * permissions and resources in plain maps and grants as bit sets.
 */
export function bitset(policy: BenchPolicy): Decide {
  const { catalog } = policy;
  const words = Math.ceil(catalog.permissions.length / 32);
  const bitOf = new Map(catalog.permissions.map((permission, bit) => [permission, bit]));
  const bankScoped = catalog.permissions.map((permission) =>
    catalog.resourceTypesOf(permission).includes('bank_account'),
  );
  const members = new Map<string, BitMember>();
  for (const member of policy.members) {
    const all = new Uint32Array(words);
    const own = new Uint32Array(words);
    for (const grant of member.role.grants) {
      const bit = bitOf.get(grant.permission)!;
      (grant.scope === 'all' ? all : own)[bit >>> 5] |= 1 << (bit & 31);
    }
    members.set(member.id, {
      id: member.id,
      active: member.active,
      all,
      own,
      profiles: member.profileIds && new Set(member.profileIds),
      bankAccounts: member.bankAccounts && new Set(member.bankAccounts),
    });
  }
  const resources = registry(policy.resources);
  return (q) => {
    const member = members.get((q.subject as { memberId: string }).memberId);
    const bit = bitOf.get(q.permission);
    if (member === undefined || bit === undefined || !member.active) return false;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    const all = (member.all[word] & mask) !== 0;
    if (!all && (member.own[word] & mask) === 0) return false;
    const resource = q.resource!;
    if (member.profiles !== null) {
      if (q.profileId !== undefined && !member.profiles.has(q.profileId)) return false;
    }
    if (member.profiles !== null || !all) {
      const known = resources.get(resource.type)?.get(resource.id);
      if (member.profiles !== null) {
        const profile = known ? known.profileId : resource.profileId;
        if (profile && !member.profiles.has(profile)) return false;
      }
      if (!all && (known ? known.ownerMemberId : (resource.ownerMemberId ?? null)) !== member.id) return false;
    }
    if (
      member.bankAccounts !== null &&
      resource.type === 'bank_account' &&
      bankScoped[bit] &&
      !member.bankAccounts.has(resource.id)
    )
      return false;
    return true;
  };
}

function resolved(registered: Map<string, Map<string, BenchResource>>, q: CheckInput) {
  const resource = q.resource!;
  const known = registered.get(resource.type)?.get(resource.id);
  return {
    profile: (known ? known.profileId : resource.profileId) ?? null,
    owner: known ? known.ownerMemberId : (resource.ownerMemberId ?? null),
  };
}

/**
 * CASL with one ability per member (profile scope and own records are per member); a query is a
 * `Check` subject. Resource limits become two rules (a resource of another type, or one of the
 * assigned ids), since rules OR together. An inactive member has no rules.
 */
export function casl(policy: BenchPolicy): Decide {
  const { catalog } = policy;
  const abilities = new Map<string, MongoAbility>();
  for (const member of policy.members) {
    const rules = member.active
      ? member.role.grants.flatMap((grant) => {
          const base: Record<string, unknown> = {};
          if (member.profileIds) {
            base.profileId = { $in: [...member.profileIds, null] };
            base.resourceProfileId = { $in: [...member.profileIds, null] };
          }
          if (grant.scope === 'own') base.ownerMemberId = member.id;
          const scopedByBank =
            member.bankAccounts && catalog.resourceTypesOf(grant.permission).includes('bank_account');
          const variants = scopedByBank
            ? [
                { ...base, resourceType: { $ne: 'bank_account' } },
                { ...base, resourceId: { $in: member.bankAccounts } },
              ]
            : [base];
          return variants.map((conditions) => ({ action: grant.permission, subject: 'Check', conditions }));
        })
      : [];
    abilities.set(member.id, createMongoAbility(rules));
  }
  const registered = registry(policy.resources);
  return (q) => {
    const { profile, owner } = resolved(registered, q);
    return abilities.get((q.subject as { memberId: string }).memberId)!.can(
      q.permission,
      subject('Check', {
        profileId: q.profileId ?? null,
        resourceProfileId: profile,
        resourceType: q.resource!.type,
        resourceId: q.resource!.id,
        ownerMemberId: owner,
      }),
    );
  };
}

const casbinModel = `
[request_definition]
r = sub, role, perm, profile, rprofile, rtype, rid, owner

[policy_definition]
p = role, perm, scope

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.role == p.role && r.perm == p.perm && profileOk(r.sub, r.profile, r.rprofile) && resourceOk(r.sub, r.perm, r.rtype, r.rid) && (p.scope == "all" || r.owner == r.sub)
`;

/**
 * casbin: roles as policy lines, scopes through custom functions. Tuned: the caller passes the
 * member's role (an inactive member has none) instead of casbin resolving 10,000 groupings.
 */
export async function casbin(policy: BenchPolicy, catalog: Catalog): Promise<Decide> {
  const enforcer: Enforcer = await newEnforcer(newModelFromString(casbinModel));
  const byId = new Map(policy.members.map((member) => [member.id, member]));
  await enforcer.addFunction('profileOk', (sub: string, profile: string, rprofile: string) => {
    const profiles = byId.get(sub)?.profileIds;
    return (
      !profiles || ((profile === '' || profiles.includes(profile)) && (rprofile === '' || profiles.includes(rprofile)))
    );
  });
  await enforcer.addFunction('resourceOk', (sub: string, perm: string, rtype: string, rid: string) => {
    const limited = byId.get(sub)?.bankAccounts;
    return (
      !limited ||
      rtype !== 'bank_account' ||
      !catalog.resourceTypesOf(perm).includes('bank_account') ||
      limited.includes(rid)
    );
  });
  await enforcer.addPolicies(
    policy.roles.flatMap((role) => role.grants.map((grant) => [role.id, grant.permission, grant.scope])),
  );
  const roleOf = new Map(policy.members.map((member) => [member.id, member.active ? member.role.id : '']));
  const registered = registry(policy.resources);
  return (q) => {
    const { profile, owner } = resolved(registered, q);
    const memberId = (q.subject as { memberId: string }).memberId;
    return enforcer.enforceSync(
      memberId,
      roleOf.get(memberId)!,
      q.permission,
      q.profileId ?? '',
      profile ?? '',
      q.resource!.type,
      q.resource!.id,
      owner ?? '',
    );
  };
}
