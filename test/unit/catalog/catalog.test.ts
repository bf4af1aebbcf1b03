import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog, parseCatalog, validateGrants } from '../../../src/catalog/catalog.js';

const catalog = loadCatalog();

interface Doc {
  version: number;
  resourceTypes: { key: string; name: string; assignableBeforeActivation?: unknown; newMembers?: unknown }[];
  flags: { key: string; name: string; default: boolean }[];
  modules: {
    key: string;
    name: string;
    resourceTypes?: string[];
    actions: { key: string; name: string; own?: boolean; ownerOnly?: boolean }[];
  }[];
  roles: { key: string; name: string; permissions: (string | { permission: string; scope: string })[] }[];
}

const minimal = (): Doc => ({
  version: 1,
  resourceTypes: [{ key: 'bank_account', name: 'Bank account' }],
  flags: [{ key: 'apiAccess', name: 'API', default: false }],
  modules: [
    { key: 'payouts', name: 'Payouts', resourceTypes: ['bank_account'], actions: [{ key: 'view', name: 'View' }] },
    {
      key: 'orders',
      name: 'Orders',
      actions: [
        { key: 'view', name: 'View', own: true },
        { key: 'purge', name: 'Purge', ownerOnly: true },
      ],
    },
  ],
  roles: [
    { key: 'owner', name: 'Owner', permissions: ['*'] },
    { key: 'clerk', name: 'Clerk', permissions: ['payouts.view', { permission: 'orders.view', scope: 'own' }] },
  ],
});

function errorOf(mutate: (doc: Doc) => void): string {
  const doc = minimal();
  mutate(doc);
  try {
    parseCatalog(doc, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as Error).message;
  }
  throw new Error('expected a CatalogError');
}

describe('catalog validation names the bad entry', () => {
  it('accepts a valid document', () => {
    expect(parseCatalog(minimal(), 'test.json').permissions).toEqual(['payouts.view', 'orders.view', 'orders.purge']);
  });

  it.each([
    ['a duplicate module', (d: Doc) => d.modules.push({ ...d.modules[0] }), /modules\[2\] "payouts": duplicate module/],
    [
      'a duplicate action',
      (d: Doc) => d.modules[0].actions.push({ key: 'view', name: 'Again' }),
      /modules\[0\] "payouts" actions\[1\] "view": duplicate action/,
    ],
    [
      'an unknown resource type',
      (d: Doc) => (d.modules[1].resourceTypes = ['spaceship']),
      /modules\[1\] "orders": unknown resource type "spaceship"/,
    ],
    [
      'an unknown permission in a role',
      (d: Doc) => d.roles[1].permissions.push('refund.issue'),
      /roles\[1\] "clerk": unknown permission "refund.issue"/,
    ],
    [
      'own on an action that does not accept it',
      (d: Doc) => d.roles[1].permissions.push({ permission: 'payouts.view', scope: 'own' }),
      /roles\[1\] "clerk": "payouts.view" cannot be granted with scope own/,
    ],
    [
      'an owner-only permission in another role',
      (d: Doc) => d.roles[1].permissions.push('orders.purge'),
      /roles\[1\] "clerk": "orders.purge" is owner-only/,
    ],
    ['a duplicate role', (d: Doc) => d.roles.push({ ...d.roles[1] }), /roles\[2\] "clerk": duplicate role/],
    ['no owner role', (d: Doc) => d.roles.shift(), /roles: must define the "owner" role/],
    ['a bad key', (d: Doc) => (d.modules[0].key = 'Pay-Outs'), /modules\[0\]: needs a snake_case "key"/],
    ['a duplicate flag', (d: Doc) => d.flags.push({ ...d.flags[0] }), /flags\[1\] "apiAccess": duplicate flag/],
    [
      'a duplicate resource type',
      (d: Doc) => d.resourceTypes.push({ ...d.resourceTypes[0] }),
      /resourceTypes\[1\] "bank_account": duplicate resource type/,
    ],
    ['a wrong version', (d: Doc) => (d.version = 2), /version: must be 1/],
    [
      'a non-boolean assignableBeforeActivation',
      (d: Doc) => (d.resourceTypes[0].assignableBeforeActivation = 'no'),
      /resourceTypes\[0\] "bank_account": "assignableBeforeActivation" must be true or false/,
    ],
    [
      'an unknown newMembers',
      (d: Doc) => (d.resourceTypes[0].newMembers = 'some'),
      /resourceTypes\[0\] "bank_account": "newMembers" must be "all" or "none"/,
    ],
  ])('refuses %s', (_label, mutate, message) => {
    expect(errorOf(mutate as (d: Doc) => void)).toMatch(message);
  });

  it('names the file when it is unreadable or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(() => loadCatalog(join(dir, 'broken.json'))).toThrow(/broken\.json: is not valid JSON/);
    expect(() => loadCatalog(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot be read/);
  });
});

describe('the default payments catalog', () => {
  it.each([
    // PayMongo
    'payment_links.view',
    'payment_links.create',
    'payment_links.archive',
    'pages.view',
    'pages.create',
    'pages.edit',
    'pages.delete',
    'payments.view',
    'payments.export',
    'refunds.issue',
    'disputes.contest',
    'payouts.view',
    'payouts.export',
    'bank_accounts.view',
    'reports.view',
    'api.access',
    'users.view',
    'users.invite',
    'users.edit',
    'users.deactivate',
    'users.delete',
    'security_log.view',
    // Monarx's 13
    'account.edit',
    'contacts.view',
    'contacts.manage',
    'services.view',
    'services.passwords',
    'services.sso',
    'domains.view',
    'domains.manage',
    'invoices.view',
    'invoices.pay',
    'quotes.view',
    'quotes.accept',
    'support_tickets.view',
    'support_tickets.open',
    'affiliate.view',
    'affiliate.manage',
    'emails.view',
    'orders.place',
    // BillPro
    'dashboard.view',
    'customers.import',
    'customers.view',
    'customers.create',
    'customers.edit',
    'customers.deactivate',
    'products.view',
    'products.create',
    'products.edit',
    'products.deactivate',
    'orders.view',
    'orders.create',
    'orders.edit',
    'orders.cancel_complete',
    'refunds.authorise',
    'payments.billing_exceptions',
    'payments.pending_orders',
    'email_notifications.view',
    'email_notifications.deactivate',
    'currency_pairs.view',
    'currency_pairs.edit',
    'reports.generate',
    'reports.download',
    'profiles.view',
    'merchant.payment_configuration',
    'merchant.processing_details',
    'roles.view',
    'roles.manage',
  ])('has %s', (permission) => {
    expect(catalog.has(permission)).toBe(true);
  });

  it('marks bank account changes owner-only, BillPro’s own rows as own-capable, and scopes by Wompi and Juspay resources', () => {
    expect(catalog.isOwnerOnly('bank_accounts.change')).toBe(true);
    for (const permission of [
      'customers.view',
      'customers.edit',
      'customers.deactivate',
      'orders.view',
      'orders.edit',
      'orders.cancel_complete',
    ]) {
      expect(catalog.acceptsOwn(permission)).toBe(true);
    }
    expect(catalog.resourceTypesOf('payouts.view')).toContain('bank_account');
    expect(catalog.resourceTypesOf('payments.view')).toEqual(expect.arrayContaining(['gateway', 'product']));
    expect(catalog.flags.map((flag) => flag.key)).toEqual(['apiAccess', 'paymentLinks']);
  });

  it('assigns bank accounts only to active members, who start with none (Wompi); products and gateways may be limited in the invitation (Juspay)', () => {
    expect(catalog.resourceType('bank_account')).toMatchObject({
      assignableBeforeActivation: false,
      newMembers: 'none',
    });
    for (const key of ['product', 'gateway'])
      expect(catalog.resourceType(key)).toMatchObject({ assignableBeforeActivation: true, newMembers: 'all' });
    // A catalog that says nothing keeps the earlier behaviour: limits at any time, every resource.
    expect(parseCatalog(minimal(), 'test.json').resourceType('bank_account')).toMatchObject({
      assignableBeforeActivation: true,
      newMembers: 'all',
    });
  });

  it('validates grants people want to give', () => {
    expect(validateGrants(catalog, [{ permission: 'payments.view', scope: 'all' }])).toEqual([]);
    expect(
      validateGrants(catalog, [
        { permission: 'nope.view', scope: 'all' },
        { permission: 'payments.view', scope: 'own' },
        { permission: 'bank_accounts.change', scope: 'all' },
      ]).map((p) => p.permission),
    ).toEqual(['nope.view', 'payments.view', 'bank_accounts.change']);
  });
});
