import type { Catalog, ResourceType } from '../catalog/catalog.js';
import { AppError } from '../shared/app-error.js';
import type { MemberStatus } from './store.js';

// When a member may be limited to, or assigned, resources of each type, and what a new
// member starts with (PRODUCT rule 6; the catalog says which types it binds). One home, used
// by invitations, edits and single assignments alike, so that the invitation cannot do to a
// member who is not active what an edit of that same member is refused.

/**
 * A member's resource scope: per type, the list they are limited to; an absent type means
 * every resource.
 */
export type ResourceScope = Record<string, string[]>;

/**
 * What a new member gets: the types the invitation names as it names them, and for the
 * others the catalog's `newMembers` (`none`: an empty list until assigned; `all`: no limit).
 */
export function newMemberScope(catalog: Catalog, named: ResourceScope = {}): ResourceScope {
  const scope: ResourceScope = {};
  for (const type of catalog.resourceTypes) if (type.newMembers === 'none') scope[type.key] = [];
  return { ...scope, ...named };
}

function sameLimit(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((id) => set.has(id));
}

/** The error for a type that cannot be touched yet, saying what to do instead. */
export function notActiveYet(type: ResourceType, before: readonly string[] | undefined): AppError {
  const now =
    before === undefined
      ? `every ${type.name.toLowerCase()}`
      : before.length === 0
        ? `no ${type.name.toLowerCase()}`
        : `${before.length} of them`;
  return new AppError(
    'member.not_active',
    `${type.name} access can be limited or assigned only once the member is active; until they accept the invitation they keep ${now} ("${type.key}": ${JSON.stringify(before ?? null)}). Assign it after they join.`,
  );
}

/**
 * Refuses, for a member who is not active, any change of a type the catalog does not let be
 * assigned before activation: from what they hold now (`before`) to `after`, type by type.
 * Types left as they are pass, so an invitation or edit may always restate the current limit.
 */
export function assertScopeChangeAllowed(
  catalog: Catalog,
  status: MemberStatus,
  before: ResourceScope,
  after: ResourceScope,
): void {
  if (status === 'active') return;
  for (const type of catalog.resourceTypes) {
    if (type.assignableBeforeActivation) continue;
    if (!sameLimit(before[type.key], after[type.key])) throw notActiveYet(type, before[type.key]);
  }
}
