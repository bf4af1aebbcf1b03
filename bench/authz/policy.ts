// One seeded policy for the authorization benchmark: the default catalog, 50 roles (the
// built-ins and random custom ones, some with own scopes), 10,000 members with profile and
// resource scopes, and ~100,000 queries. Each engine under test is built from this.
import { compileGrants, type MemberSnapshot } from '../../src/authz/engine.js';
import { type Catalog, type Grant, loadCatalog } from '../../src/catalog/catalog.js';

export const catalog: Catalog = loadCatalog();

/** mulberry32: a small seeded generator, so every run and every engine sees the same data. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchRole {
  key: string;
  grants: Grant[];
}

export interface BenchMember {
  id: string;
  role: BenchRole;
  profileIds: string[] | null;
  /** bank_account ids, or null for every bank account. */
  bankAccounts: string[] | null;
}

export interface BenchQuery {
  member: number;
  permission: string;
  profileId?: string;
  resource?: { type: string; id: string; ownerMemberId: string };
}

export const profiles = Array.from({ length: 10 }, (_, i) => `prf_${i}`);
export const bankAccounts = Array.from({ length: 20 }, (_, i) => `ba_${i}`);

export function buildPolicy(memberCount = 10_000, queryCount = 100_000) {
  const next = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const grantable = catalog.permissions.filter((p) => !catalog.isOwnerOnly(p));
  const roles: BenchRole[] = catalog.builtinRoles.filter((role) => role.key !== 'owner').map((role) => ({ key: role.key, grants: [...role.grants] }));
  while (roles.length < 50) {
    const grants = new Map<string, Grant>();
    const size = 10 + Math.floor(next() * 25);
    for (let i = 0; i < size; i++) {
      const permission = pick(grantable);
      grants.set(permission, { permission, scope: catalog.acceptsOwn(permission) && next() < 0.4 ? 'own' : 'all' });
    }
    roles.push({ key: `custom_${roles.length}`, grants: [...grants.values()] });
  }
  const members: BenchMember[] = Array.from({ length: memberCount }, (_, i) => ({
    id: `mem_${i}`,
    role: pick(roles),
    profileIds: next() < 0.3 ? [pick(profiles), pick(profiles)] : null,
    bankAccounts: next() < 0.2 ? [pick(bankAccounts), pick(bankAccounts), pick(bankAccounts)] : null,
  }));
  const resourceTypes = ['bank_account', 'order', 'customer', 'product'];
  const queries: BenchQuery[] = Array.from({ length: queryCount }, () => {
    const member = Math.floor(next() * memberCount);
    // Ask mostly about what the member's role names, as a platform's services would.
    const role = members[member].role;
    const permission = next() < 0.7 && role.grants.length > 0 ? pick(role.grants).permission : pick(grantable);
    const query: BenchQuery = { member, permission };
    if (next() < 0.5) query.profileId = pick(profiles);
    if (next() < 0.6) {
      const type = pick(resourceTypes);
      query.resource = { type, id: type === 'bank_account' ? pick(bankAccounts) : `${type}_${Math.floor(next() * 100)}`, ownerMemberId: next() < 0.5 ? members[member].id : `mem_${Math.floor(next() * memberCount)}` };
    }
    return query;
  });
  return { roles, members, queries };
}

/** Gatehouse's in-memory form, as the access cache compiles it (src/access/access-cache.ts). */
export function snapshotOf(member: BenchMember): MemberSnapshot {
  return {
    memberId: member.id,
    accountId: 'acc_bench',
    status: 'active',
    isOwner: false,
    accountActive: true,
    twoFactorRequired: true,
    twoFactorEnrolled: true,
    grants: compileGrants(catalog, member.role.grants),
    profileIds: member.profileIds ? new Set(member.profileIds) : null,
    resourceScope: member.bankAccounts ? new Map([['bank_account', new Set(member.bankAccounts)]]) : new Map(),
    flags: {},
  };
}
