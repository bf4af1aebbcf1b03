import { compileGrants, isSubsetOf } from '../authz/engine.js';
import { type Catalog, type Grant, validateGrants } from '../catalog/catalog.js';
import type { AccountAccess } from '../access/guard.js';
import { AppError } from '../shared/app-error.js';

/** 400 naming each bad grant (unknown permission, `own` where not accepted, owner-only). */
export function assertValidGrants(catalog: Catalog, grants: Grant[], field = 'body/permissions'): void {
  const problems = validateGrants(catalog, grants);
  if (problems.length > 0) {
    throw new AppError('request.invalid', 'Some permissions cannot be granted', {
      errors: problems.map((problem) => ({ field: `${field}/${problem.permission}`, message: problem.message })),
    });
  }
}

/**
 * No escalation (PRODUCT rule 2): every grant must already be held by the actor, at the same
 * or a wider scope, and by the API key the actor uses, if any. The platform is unbounded.
 */
export function assertCanGrant(catalog: Catalog, access: AccountAccess, grants: Grant[]): void {
  if (!access.member) return;
  const candidate = compileGrants(catalog, grants);
  const held = isSubsetOf(candidate, access.member.snapshot.grants) && (!access.keyLimit || isSubsetOf(candidate, access.keyLimit));
  if (!held) throw new AppError('authz.escalation', 'You can only grant permissions that you hold yourself');
}
