// The realistic policy of issue 17, generated from a seed so that every run and every engine
// sees the same data: 119 permissions (the default catalog plus generated modules), 50 custom
// roles with 19% of their grants on own records only, 10,000 members of whom 64% are limited
// to some profiles (some to bank accounts too) and some are inactive, 20,000 registered
// resources with profiles and owners, and 100,000 checks that all name a resource (a quarter
// of them unregistered, described by the caller).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Catalog, type Grant, loadCatalog } from '../../src/catalog/catalog.js';
import type { CheckInput } from '../../src/checks/service.js';

/** mulberry32: a small seeded generator. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const permissionCount = 119;
export const accountId = 'acc_bench';

/** The default catalog grown to 119 permissions with generated modules (own-capable ones among them). */
export function writeBenchCatalog(dir: string): string {
  const doc = JSON.parse(readFileSync(new URL('../../catalog/default.json', import.meta.url), 'utf8')) as {
    modules: {
      key: string;
      name: string;
      resourceTypes?: string[];
      actions: { key: string; name: string; own?: boolean }[];
    }[];
  };
  const next = random(7);
  let count = doc.modules.reduce((sum, module) => sum + module.actions.length, 0);
  const verbs = ['view', 'create', 'edit', 'export', 'approve', 'archive', 'assign'];
  for (let m = 0; count < permissionCount; m++) {
    const types = [['order'], ['customer'], ['product'], ['gateway', 'product'], []][m % 5];
    const actions = verbs
      .slice(0, Math.min(verbs.length, permissionCount - count))
      .map((key) => ({ key, name: `${key} ${m}`, own: types.length > 0 && types[0] !== 'gateway' && next() < 0.8 }));
    doc.modules.push({ key: `module_${m}`, name: `Module ${m}`, resourceTypes: types, actions });
    count += actions.length;
  }
  const path = join(dir, 'bench-catalog.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

export interface BenchRole {
  id: string;
  grants: Grant[];
}

export interface BenchMember {
  id: string;
  userId: string;
  role: BenchRole;
  active: boolean;
  profileIds: string[] | null;
  /** bank_account ids, or null for every bank account. */
  bankAccounts: string[] | null;
}

export interface BenchResource {
  type: string;
  id: string;
  profileId: string | null;
  ownerMemberId: string | null;
}

export interface BenchPolicy {
  catalog: Catalog;
  roles: BenchRole[];
  members: BenchMember[];
  profiles: string[];
  resources: BenchResource[];
  queries: CheckInput[];
  stats: { ownGrantShare: number; profileLimitedShare: number; inactiveShare: number; registeredQueryShare: number };
}

export function buildPolicy(catalogPath: string, memberCount = 10_000, queryCount = 100_000): BenchPolicy {
  const catalog = loadCatalog(catalogPath);
  const next = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const grantable = catalog.permissions.filter((p) => !catalog.isOwnerOnly(p));
  const ownCapable = grantable.filter((p) => catalog.acceptsOwn(p));
  const profiles = Array.from({ length: 20 }, (_, i) => `prf_bench${i}`);
  const bankAccounts = Array.from({ length: 20 }, (_, i) => `ba_${i}`);
  const roles: BenchRole[] = Array.from({ length: 50 }, (_, r) => {
    const grants = new Map<string, Grant>();
    const size = 8 + Math.floor(next() * 33);
    for (let i = 0; i < size; i++) {
      // Own-records grants: about one in five, on permissions that accept them.
      if (next() < 0.21) {
        const permission = pick(ownCapable);
        if (!grants.has(permission)) grants.set(permission, { permission, scope: 'own' });
      } else {
        const permission = pick(grantable);
        grants.set(permission, { permission, scope: 'all' });
      }
    }
    return { id: `rol_bench${r}`, grants: [...grants.values()] };
  });
  const members: BenchMember[] = Array.from({ length: memberCount }, (_, i) => {
    const limited = next() < 0.64;
    const profileIds = limited
      ? [...new Set([pick(profiles), pick(profiles), pick(profiles)].slice(0, 1 + Math.floor(next() * 3)))]
      : null;
    return {
      id: `mem_bench${i}`,
      userId: `usr_bench${i}`,
      role: pick(roles),
      active: next() >= 0.08,
      profileIds,
      bankAccounts: next() < 0.1 ? [pick(bankAccounts), pick(bankAccounts)] : null,
    };
  });
  const resourceTypes = ['order', 'customer', 'product', 'gateway'];
  const resources: BenchResource[] = bankAccounts.map((id) => ({
    type: 'bank_account',
    id,
    profileId: pick(profiles),
    ownerMemberId: null,
  }));
  for (let i = 0; i < 20_000; i++) {
    const type = resourceTypes[i % resourceTypes.length];
    resources.push({
      type,
      id: `${type}_${i}`,
      profileId: next() < 0.9 ? pick(profiles) : null,
      ownerMemberId: next() < 0.6 ? pick(members).id : null,
    });
  }
  let registered = 0;
  const queries: CheckInput[] = Array.from({ length: queryCount }, () => {
    const member = pick(members);
    const grants = member.role.grants;
    const permission = next() < 0.7 && grants.length > 0 ? pick(grants).permission : pick(grantable);
    const input: CheckInput = {
      accountId,
      subject: { memberId: member.id },
      permission,
      profileId: undefined,
      resource: undefined,
    };
    if (next() < 0.4) input.profileId = pick(profiles);
    if (next() < 0.75) {
      const known = pick(resources);
      registered++;
      // The caller sometimes says what it believes; it may be out of date (the registered values win).
      input.resource = {
        type: known.type,
        id: known.id,
        ownerMemberId: next() < 0.3 ? pick([member.id, known.ownerMemberId, pick(members).id]) : undefined,
        profileId: undefined,
      };
    } else {
      const type = pick(['order', 'customer', 'product']);
      input.resource = {
        type,
        id: `${type}_new_${Math.floor(next() * 1e6)}`,
        ownerMemberId: next() < 0.5 ? pick([member.id, pick(members).id]) : undefined,
        profileId: next() < 0.5 ? pick(profiles) : undefined,
      };
    }
    return input;
  });
  const allGrants = roles.flatMap((role) => role.grants);
  return {
    catalog,
    roles,
    members,
    profiles,
    resources,
    // As a server receives them: parsed from JSON, so that no engine finds its map keys by
    // pointer (the policy's own strings would be, and a hand-written map would look faster).
    queries: JSON.parse(JSON.stringify(queries)) as CheckInput[],
    stats: {
      ownGrantShare: allGrants.filter((grant) => grant.scope === 'own').length / allGrants.length,
      profileLimitedShare: members.filter((member) => member.profileIds).length / members.length,
      inactiveShare: members.filter((member) => !member.active).length / members.length,
      registeredQueryShare: registered / queries.length,
    },
  };
}
