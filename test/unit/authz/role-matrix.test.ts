import { describe, expect, it } from 'vitest';
import { can } from '../../../src/authz/engine.js';
import { catalog, member } from './snapshot.js';

// The expected matrix, written from PRODUCT.md and the role descriptions, not from the
// catalog's role lists: for each built-in role, what it may do with each permission.
type Expect = 'all' | 'own' | false;
const module = (permission: string) => permission.split('.')[0];
const action = (permission: string) => permission.split('.')[1];
const ownerOnly = new Set(['bank_accounts.change']);

const expected: Record<string, (permission: string) => Expect> = {
  owner: () => 'all',
  administrator: (p) => (ownerOnly.has(p) ? false : 'all'),
  view_only: (p) => (action(p) === 'view' ? 'all' : false),
  developer: (p) =>
    [
      'api.access',
      'dashboard.view',
      'payments.view',
      'refunds.view',
      'disputes.view',
      'payouts.view',
      'orders.view',
      'customers.view',
      'products.view',
      'gateways.view',
      'payment_links.view',
      'pages.view',
      'reports.view',
      'services.view',
      'services.sso',
      'account.view',
      'profiles.view',
      'security_log.view',
    ].includes(p)
      ? 'all'
      : false,
  finance: (p) =>
    [
      'payments',
      'refunds',
      'disputes',
      'payouts',
      'reports',
      'invoices',
      'quotes',
      'customers',
      'orders',
      'currency_pairs',
      'email_notifications',
    ].includes(module(p)) ||
    [
      'dashboard.view',
      'bank_accounts.view',
      'products.view',
      'payment_links.view',
      'pages.view',
      'profiles.view',
    ].includes(p)
      ? 'all'
      : false,
  support: (p) =>
    [
      'dashboard.view',
      'customers.view',
      'customers.create',
      'customers.edit',
      'orders.view',
      'orders.create',
      'orders.edit',
      'orders.cancel_complete',
      'refunds.view',
      'refunds.issue',
      'disputes.view',
      'disputes.contest',
      'payments.view',
      'products.view',
      'support_tickets.view',
      'support_tickets.open',
      'payment_links.view',
      'pages.view',
      'profiles.view',
    ].includes(p)
      ? 'all'
      : false,
  restricted: (p) => {
    if (['dashboard.view', 'products.view', 'customers.create', 'orders.create'].includes(p)) return 'all';
    if (
      [
        'customers.view',
        'customers.edit',
        'customers.deactivate',
        'orders.view',
        'orders.edit',
        'orders.cancel_complete',
      ].includes(p)
    )
      return 'own';
    return false;
  },
};

const cases = catalog.builtinRoles.flatMap((role) =>
  catalog.permissions.map((permission) => [role.key, permission] as const),
);

describe('every built-in role × every permission of the default catalog', () => {
  it('covers the seven built-in roles of PRODUCT.md', () => {
    expect(catalog.builtinRoles.map((role) => role.key).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(cases)('%s → %s', (roleKey, permission) => {
    const role = catalog.builtinRole(roleKey)!;
    const snapshot = member(roleKey === 'owner' ? 'owner' : role.grants);
    const decision = can(snapshot, permission);
    const want = expected[roleKey](permission);
    if (want === false) {
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toBe(ownerOnly.has(permission) ? 'owner_only' : 'permission_not_granted');
    } else {
      expect(decision).toEqual({ allowed: true, scope: want, reason: 'granted' });
    }
  });
});
