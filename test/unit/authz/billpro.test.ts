import { describe, expect, it } from 'vitest';
import { can, type MemberSnapshot } from '../../../src/authz/engine.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import { all, member, own } from './snapshot.js';

// BillPro's four user roles (seeds/004), rebuilt as custom roles of the default catalog,
// category × privilege. "✅ own" rows become grants with scope own.
const privileges: Record<string, string> = {
  'Dashboard display': 'dashboard.view',
  'Customers import CSV': 'customers.import',
  'Customers display': 'customers.view',
  'Customers create': 'customers.create',
  'Customers edit': 'customers.edit',
  'Customers deactivate': 'customers.deactivate',
  'Products display': 'products.view',
  'Products create': 'products.create',
  'Products edit': 'products.edit',
  'Products deactivate': 'products.deactivate',
  'Orders display': 'orders.view',
  'Orders create': 'orders.create',
  'Orders edit': 'orders.edit',
  'Orders cancel/complete': 'orders.cancel_complete',
  'Orders authorise refunds': 'refunds.authorise',
  'Payments billing exceptions': 'payments.billing_exceptions',
  'Payments pending orders': 'payments.pending_orders',
  'Payments all processed': 'payments.view',
  'Email notification display': 'email_notifications.view',
  'Email notification deactivate': 'email_notifications.deactivate',
  'Currency pairs display': 'currency_pairs.view',
  'Currency pairs edit': 'currency_pairs.edit',
  'Reports display': 'reports.view',
  'Reports generate': 'reports.generate',
  'Reports download': 'reports.download',
  'Users display': 'users.view',
  'Users edit': 'users.edit',
  'Users create': 'users.invite',
  'Users deactivate': 'users.deactivate',
  'Profiles list': 'profiles.view',
  'Merchant profile information': 'account.view',
  'Merchant payment configuration': 'merchant.payment_configuration',
  'Merchant processing details': 'merchant.processing_details',
};
const everything = Object.values(privileges);
const without = (...excluded: string[]) => everything.filter((p) => !excluded.some((prefix) => p.startsWith(prefix)));

const roles: Record<string, Grant[]> = {
  // full access, including users, currencies, products, customers, orders, refunds, reports, merchant details
  admin_user: all(...everything),
  // almost full access, but no managing products or users, no merchant details
  accountant_user: all(
    ...without('products.create', 'products.edit', 'products.deactivate', 'users.', 'account.view', 'merchant.'),
  ),
  // views products, manages customers, orders and refunds
  normal_user: all(
    'dashboard.view',
    'products.view',
    'customers.view',
    'customers.create',
    'customers.edit',
    'customers.deactivate',
    'orders.view',
    'orders.create',
    'orders.edit',
    'orders.cancel_complete',
    'refunds.authorise',
  ),
  // views products; only their own customers and orders
  restricted_user: [
    ...all('dashboard.view', 'products.view', 'customers.create', 'orders.create'),
    ...own(
      'customers.view',
      'customers.edit',
      'customers.deactivate',
      'orders.view',
      'orders.edit',
      'orders.cancel_complete',
    ),
  ],
};

const mine = { type: 'order', id: 'o-mine', ownerMemberId: 'mem_self' };
const theirs = { type: 'order', id: 'o-theirs', ownerMemberId: 'mem_other' };

function allowedOn(snapshot: MemberSnapshot, permission: string, resource?: typeof mine): boolean {
  return can(snapshot, permission, resource ? { resource } : undefined).allowed;
}

describe('BillPro roles rebuilt as custom roles', () => {
  it.each(Object.entries(privileges))('%s (%s)', (_label, permission) => {
    const admin = member(roles.admin_user);
    const accountant = member(roles.accountant_user);
    const normal = member(roles.normal_user);
    const restricted = member(roles.restricted_user);
    expect(allowedOn(admin, permission)).toBe(true);
    const accountantDenied =
      permission.startsWith('users.') ||
      ['products.create', 'products.edit', 'products.deactivate', 'account.view'].includes(permission) ||
      permission.startsWith('merchant.');
    expect(allowedOn(accountant, permission)).toBe(!accountantDenied);
    expect(allowedOn(normal, permission)).toBe(roles.normal_user.some((grant) => grant.permission === permission));
    const restrictedGrant = roles.restricted_user.find((grant) => grant.permission === permission);
    if (!restrictedGrant) expect(allowedOn(restricted, permission)).toBe(false);
    else if (restrictedGrant.scope === 'own') {
      expect(allowedOn(restricted, permission, mine)).toBe(true);
      expect(allowedOn(restricted, permission, theirs)).toBe(false);
    } else expect(allowedOn(restricted, permission, theirs)).toBe(true);
  });

  it('the restricted user sees only their own customers and orders', () => {
    const restricted = member(roles.restricted_user);
    expect(can(restricted, 'orders.view')).toMatchObject({ allowed: true, scope: 'own' });
    expect(
      can(restricted, 'customers.edit', { resource: { type: 'customer', id: 'c', ownerMemberId: 'mem_other' } }).reason,
    ).toBe('not_resource_owner');
    expect(can(restricted, 'products.edit').reason).toBe('permission_not_granted');
  });
});
