import { compileGrants, fullGrants, type MemberSnapshot } from '../../../src/authz/engine.js';
import { type Catalog, type Grant, loadCatalog } from '../../../src/catalog/catalog.js';

export const catalog: Catalog = loadCatalog();

/** An active member of an active account with 2FA, unlimited scope, holding `grants`. */
export function member(grants: readonly Grant[] | 'owner', overrides: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    memberId: 'mem_self',
    accountId: 'acc_1',
    status: 'active',
    isOwner: grants === 'owner',
    accountActive: true,
    twoFactorRequired: true,
    twoFactorEnrolled: true,
    grants: grants === 'owner' ? fullGrants(catalog) : compileGrants(catalog, grants),
    profileIds: null,
    resourceScope: new Map(),
    flags: {},
    ...overrides,
  };
}

export const all = (...permissions: string[]): Grant[] =>
  permissions.map((permission) => ({ permission, scope: 'all' }));
export const own = (...permissions: string[]): Grant[] =>
  permissions.map((permission) => ({ permission, scope: 'own' }));
