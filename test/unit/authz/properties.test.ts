import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { can, compileGrants, diffGrants, isSubsetOf } from '../../../src/authz/engine.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import { catalog, member } from './snapshot.js';

// Only what a custom role may hold: no owner-only permissions, `own` only where accepted.
const grantable = catalog.permissions.filter((permission) => !catalog.isOwnerOnly(permission));
const grantArb: fc.Arbitrary<Grant> = fc
  .constantFrom(...grantable)
  .chain((permission) =>
    (catalog.acceptsOwn(permission)
      ? fc.constantFrom<Grant['scope']>('all', 'own')
      : fc.constant<Grant['scope']>('all')
    ).map((scope) => ({ permission, scope })),
  );
const grantsArb = fc.array(grantArb, { maxLength: 40 });

/** The strongest way a set of grants allows a permission: 2 all, 1 own, 0 not at all. */
function strength(grants: Grant[], permission: string): number {
  const snapshot = member(grants);
  const free = can(snapshot, permission);
  if (!free.allowed) return 0;
  return free.scope === 'all' ? 2 : 1;
}

describe('no grant ever exceeds the granter', () => {
  it('isSubsetOf(candidate, holder) holds exactly when the holder allows everything the candidate allows, at least as widely', () => {
    fc.assert(
      fc.property(grantsArb, grantsArb, (candidate, holder) => {
        const subset = isSubsetOf(compileGrants(catalog, candidate), compileGrants(catalog, holder));
        const covered = grantable.every(
          (permission) => strength(candidate, permission) <= strength(holder, permission),
        );
        expect(subset).toBe(covered);
      }),
      { numRuns: 300 },
    );
  });

  it('a subset never allows an action on a record that the holder may not touch', () => {
    fc.assert(
      fc.property(
        grantsArb,
        grantsArb,
        fc.constantFrom(...grantable),
        fc.constantFrom('mem_self', 'mem_other'),
        (candidate, holder, permission, owner) => {
          fc.pre(isSubsetOf(compileGrants(catalog, candidate), compileGrants(catalog, holder)));
          const resource = { type: 'order', id: 'r', ownerMemberId: owner };
          if (can(member(candidate), permission, { resource }).allowed)
            expect(can(member(holder), permission, { resource }).allowed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('scope always wins over grants', () => {
  it('a member outside a profile is denied, whatever they hold', () => {
    fc.assert(
      fc.property(
        grantsArb,
        fc.constantFrom(...catalog.permissions),
        fc.uniqueArray(fc.constantFrom<string>('prf_a', 'prf_b', 'prf_c'), { maxLength: 2 }),
        (grants, permission, profiles) => {
          const outside = ['prf_a', 'prf_b', 'prf_c', 'prf_d'].find((id) => !profiles.includes(id))!;
          expect(
            can(member(grants, { profileIds: new Set(profiles) }), permission, { profileId: outside }).allowed,
          ).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a member limited on a resource type is denied any resource of that type not assigned, for permissions scoped by it', () => {
    fc.assert(
      fc.property(
        grantsArb,
        fc.constantFrom(...catalog.permissions),
        fc.constantFrom(...catalog.resourceTypes.map((type) => type.key)),
        (grants, permission, type) => {
          fc.pre(catalog.resourceTypesOf(permission).includes(type));
          const snapshot = member(grants, { resourceScope: new Map([[type, new Set(['assigned'])]]) });
          expect(
            can(snapshot, permission, { resource: { type, id: 'not-assigned', ownerMemberId: 'mem_self' } }).allowed,
          ).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('role-change preview', () => {
  it('gained and lost match the difference between the two decision sets', () => {
    fc.assert(
      fc.property(grantsArb, grantsArb, (from, to) => {
        const { gained, lost } = diffGrants(compileGrants(catalog, from), compileGrants(catalog, to));
        for (const permission of grantable) {
          const before = strength(from, permission);
          const after = strength(to, permission);
          const gain = gained.find((grant) => grant.permission === permission);
          const loss = lost.find((grant) => grant.permission === permission);
          if (after > before) expect(gain?.scope).toBe(after === 2 ? 'all' : 'own');
          else expect(gain).toBeUndefined();
          if (after < before) expect(loss?.scope).toBe(before === 2 ? 'all' : 'own');
          else expect(loss).toBeUndefined();
        }
      }),
      { numRuns: 200 },
    );
  });
});
