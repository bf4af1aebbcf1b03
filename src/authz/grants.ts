import type { Catalog, Grant } from '../catalog/catalog.js';

/**
 * A set of grants compiled into two bit sets over the catalog's permissions: `all` (any
 * record) and `own` (records the member owns). A permission in `all` need not be in `own`.
 */
export interface CompiledGrants {
  readonly catalog: Catalog;
  readonly all: Uint32Array;
  readonly own: Uint32Array;
}

function words(catalog: Catalog): number {
  return Math.ceil(catalog.permissions.length / 32);
}

export function hasBit(set: Uint32Array, bit: number): boolean {
  return (set[bit >>> 5] & (1 << (bit & 31))) !== 0;
}

function setBit(set: Uint32Array, bit: number): void {
  set[bit >>> 5] |= 1 << (bit & 31);
}

/**
 * Compiles grants for fast checks. Permissions the catalog no longer has are ignored (a
 * stored role may outlive a catalog change); owner-only permissions are never compiled in.
 */
export function compileGrants(catalog: Catalog, grants: readonly Grant[]): CompiledGrants {
  const all = new Uint32Array(words(catalog));
  const own = new Uint32Array(words(catalog));
  for (const grant of grants) {
    const bit = catalog.permissionIndex.get(grant.permission);
    if (bit === undefined || catalog.ownerOnlyBits[bit]) continue;
    if (grant.scope === 'all') setBit(all, bit);
    else if (catalog.ownCapable[bit]) setBit(own, bit);
  }
  return { catalog, all, own };
}

/** The owner's grants: every permission of the catalog, owner-only ones included. */
export function fullGrants(catalog: Catalog): CompiledGrants {
  const all = new Uint32Array(words(catalog));
  for (let bit = 0; bit < catalog.permissions.length; bit++) setBit(all, bit);
  return { catalog, all, own: new Uint32Array(words(catalog)) };
}

/**
 * Is `candidate` within `holder`? An `all` grant needs `all`; an `own` grant is covered by
 * either. The no-escalation rule (access/no-escalation.ts) is built on this test.
 */
export function isSubsetOf(candidate: CompiledGrants, holder: CompiledGrants): boolean {
  for (let i = 0; i < candidate.all.length; i++) {
    const heldAll = holder.all[i] ?? 0;
    if ((candidate.all[i] & ~heldAll) !== 0) return false;
    if ((candidate.own[i] & ~(heldAll | (holder.own[i] ?? 0))) !== 0) return false;
  }
  return true;
}

/** The grants as a list, each permission once at its widest scope. */
export function grantList(grants: CompiledGrants): Grant[] {
  const list: Grant[] = [];
  grants.catalog.permissions.forEach((permission, bit) => {
    if (hasBit(grants.all, bit)) list.push({ permission, scope: 'all' });
    else if (hasBit(grants.own, bit)) list.push({ permission, scope: 'own' });
  });
  return list;
}

/**
 * What moving from `from` to `to` changes, for the role-change preview. Narrowing a
 * permission from `all` to `own` shows as losing it at scope `all` (the own records remain).
 */
export function diffGrants(from: CompiledGrants, to: CompiledGrants): { gained: Grant[]; lost: Grant[] } {
  const gained: Grant[] = [];
  const lost: Grant[] = [];
  to.catalog.permissions.forEach((permission, bit) => {
    const fromAll = hasBit(from.all, bit);
    const fromOwn = hasBit(from.own, bit);
    const toAll = hasBit(to.all, bit);
    const toOwn = hasBit(to.own, bit);
    if (toAll && !fromAll) gained.push({ permission, scope: 'all' });
    else if (toOwn && !toAll && !fromAll && !fromOwn) gained.push({ permission, scope: 'own' });
    if (fromAll && !toAll) lost.push({ permission, scope: 'all' });
    else if (fromOwn && !fromAll && !toAll && !toOwn) lost.push({ permission, scope: 'own' });
  });
  return { gained, lost };
}
