// The same decisions three ways: Gatehouse's compiled bit sets, CASL and casbin.
import { createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { can, type MemberSnapshot } from '../../src/authz/engine.js';
import { type BenchMember, type BenchQuery, catalog, snapshotOf } from './policy.js';

export type Decide = (query: BenchQuery) => boolean;

export function gatehouse(members: BenchMember[]): Decide {
  const snapshots: MemberSnapshot[] = members.map(snapshotOf);
  return (q) => can(snapshots[q.member], q.permission, q).allowed;
}

/**
 * CASL with one ability per member (profile scope and own records are per member). A query
 * is a `Check` subject whose missing parts are null; resource limits become two rules (a
 * resource of another type, or one of the assigned ids), since rules OR together.
 */
export function casl(members: BenchMember[]): Decide {
  const abilities: MongoAbility[] = members.map((member) => {
    const rules = member.role.grants.flatMap((grant) => {
      const base: Record<string, unknown> = {};
      if (member.profileIds) base.profileId = { $in: [...member.profileIds, null] };
      if (grant.scope === 'own') base.ownerMemberId = { $in: [member.id, null] };
      const scopedByBank = member.bankAccounts && catalog.resourceTypesOf(grant.permission).includes('bank_account');
      const variants = scopedByBank ? [{ ...base, resourceType: { $ne: 'bank_account' } }, { ...base, resourceId: { $in: member.bankAccounts } }] : [base];
      return variants.map((conditions) => ({ action: grant.permission, subject: 'Check', conditions }));
    });
    return createMongoAbility(rules);
  });
  return (q) =>
    abilities[q.member].can(
      q.permission,
      subject('Check', { profileId: q.profileId ?? null, resourceType: q.resource?.type ?? null, resourceId: q.resource?.id ?? null, ownerMemberId: q.resource?.ownerMemberId ?? null }),
    );
}

const casbinModel = `
[request_definition]
r = sub, perm, profile, rtype, rid, owner

[policy_definition]
p = role, perm, scope

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.role) && r.perm == p.perm && profileOk(r.sub, r.profile) && resourceOk(r.sub, r.perm, r.rtype, r.rid) && (p.scope == "all" || r.owner == "" || r.owner == r.sub)
`;

/** casbin: roles as policy lines, membership as grouping, scopes through custom functions. */
export async function casbin(members: BenchMember[]): Promise<Decide> {
  const enforcer: Enforcer = await newEnforcer(newModelFromString(casbinModel));
  const byId = new Map(members.map((member) => [member.id, member]));
  await enforcer.addFunction('profileOk', (sub: string, profile: string) => {
    const profiles = byId.get(sub)?.profileIds;
    return !profiles || profile === '' || profiles.includes(profile);
  });
  await enforcer.addFunction('resourceOk', (sub: string, perm: string, rtype: string, rid: string) => {
    const limited = byId.get(sub)?.bankAccounts;
    return !limited || rtype !== 'bank_account' || !catalog.resourceTypesOf(perm).includes('bank_account') || limited.includes(rid);
  });
  const roles = new Map(members.map((member) => [member.role.key, member.role]));
  await enforcer.addPolicies([...roles.values()].flatMap((role) => role.grants.map((grant) => [role.key, grant.permission, grant.scope])));
  await enforcer.addGroupingPolicies(members.map((member) => [member.id, member.role.key]));
  return (q) =>
    enforcer.enforceSync(members[q.member].id, q.permission, q.profileId ?? '', q.resource?.type ?? '', q.resource?.id ?? '', q.resource?.ownerMemberId ?? '');
}
