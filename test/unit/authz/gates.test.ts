import { describe, expect, it } from 'vitest';
import { can, compileGrants } from '../../../src/authz/engine.js';
import { all, catalog, member, own } from './snapshot.js';

describe('can: gates before grants', () => {
  const admin = catalog.builtinRole('administrator')!.grants;

  it('refuses unknown permissions', () => {
    expect(can(member(admin), 'payments.teleport')).toEqual({ allowed: false, reason: 'unknown_permission' });
  });

  it('refuses when the account is not active', () => {
    expect(can(member(admin, { accountActive: false }), 'payments.view').reason).toBe('account_inactive');
    expect(can(member('owner', { accountActive: false }), 'payments.view').reason).toBe('account_inactive');
  });

  it.each(['invited', 'inactive', 'removed'] as const)('refuses a member who is %s, owner included', (status) => {
    expect(can(member(admin, { status }), 'payments.view').reason).toBe('member_not_active');
    expect(can(member('owner', { status }), 'payments.view').reason).toBe('member_not_active');
  });

  it('refuses without 2FA where the account requires it, and allows where it does not', () => {
    expect(can(member(admin, { twoFactorEnrolled: false }), 'payments.view').reason).toBe('two_factor_not_enrolled');
    expect(can(member(admin, { twoFactorEnrolled: false, twoFactorRequired: false }), 'payments.view').allowed).toBe(
      true,
    );
  });
});

describe('can: profile and resource scope', () => {
  const finance = all('payouts.view', 'payments.view', 'reports.view');

  it('limits a member to their profiles, by the profile asked about or the resource’s', () => {
    const limited = member(finance, { profileIds: new Set(['prf_a']) });
    expect(can(limited, 'payments.view', { profileId: 'prf_a' }).allowed).toBe(true);
    expect(can(limited, 'payments.view', { profileId: 'prf_b' }).reason).toBe('profile_out_of_scope');
    expect(can(limited, 'payments.view', { resource: { type: 'gateway', id: 'gw', profileId: 'prf_b' } }).reason).toBe(
      'profile_out_of_scope',
    );
    expect(can(limited, 'payments.view').allowed).toBe(true);
  });

  it('limits a member to assigned resources, only for types the permission’s module is scoped by', () => {
    const limited = member(finance, { resourceScope: new Map([['bank_account', new Set(['ba-1'])]]) });
    expect(can(limited, 'payouts.view', { resource: { type: 'bank_account', id: 'ba-1' } }).allowed).toBe(true);
    expect(can(limited, 'payouts.view', { resource: { type: 'bank_account', id: 'ba-2' } }).reason).toBe(
      'resource_out_of_scope',
    );
    // reports are not scoped by bank account: the limit does not apply there
    expect(can(limited, 'reports.view', { resource: { type: 'bank_account', id: 'ba-2' } }).allowed).toBe(true);
    // an unlimited type stays unlimited
    expect(can(limited, 'payments.view', { resource: { type: 'gateway', id: 'any' } }).allowed).toBe(true);
  });

  it('never limits the owner', () => {
    const owner = member('owner', {
      profileIds: new Set(['prf_a']),
      resourceScope: new Map([['bank_account', new Set<string>()]]),
    });
    expect(
      can(owner, 'payouts.view', { profileId: 'prf_z', resource: { type: 'bank_account', id: 'ba-9' } }).allowed,
    ).toBe(true);
    expect(can(owner, 'bank_accounts.change').allowed).toBe(true);
  });
});

describe('can: own records', () => {
  const restricted = member([...own('orders.view'), ...all('orders.create')]);

  it('answers scope own without a resource, and decides by owner with one', () => {
    expect(can(restricted, 'orders.view')).toEqual({ allowed: true, scope: 'own', reason: 'granted' });
    expect(
      can(restricted, 'orders.view', { resource: { type: 'order', id: 'o1', ownerMemberId: 'mem_self' } }).allowed,
    ).toBe(true);
    expect(
      can(restricted, 'orders.view', { resource: { type: 'order', id: 'o2', ownerMemberId: 'mem_other' } }).reason,
    ).toBe('not_resource_owner');
    expect(can(restricted, 'orders.view', { resource: { type: 'order', id: 'o3', ownerMemberId: null } }).reason).toBe(
      'not_resource_owner',
    );
  });

  it('needs no ownership for a grant on all records', () => {
    expect(
      can(restricted, 'orders.create', { resource: { type: 'order', id: 'o2', ownerMemberId: 'mem_other' } }).allowed,
    ).toBe(true);
  });

  it('ignores own grants on permissions that do not accept them', () => {
    expect(can(member(own('payments.view')), 'payments.view').reason).toBe('permission_not_granted');
  });
});

describe('can: an API key’s subset', () => {
  const dev = member(all('payments.view', 'orders.view', 'refunds.issue'));

  it('never exceeds the member, and never exceeds the subset', () => {
    const subset = compileGrants(catalog, all('payments.view', 'users.invite'));
    expect(can(dev, 'payments.view', undefined, subset).allowed).toBe(true);
    expect(can(dev, 'refunds.issue', undefined, subset).reason).toBe('key_scope_exceeded');
    expect(can(dev, 'users.invite', undefined, subset).reason).toBe('permission_not_granted');
  });

  it('an own grant in the subset caps the key to own records', () => {
    const subset = compileGrants(catalog, own('orders.view'));
    expect(can(dev, 'orders.view', undefined, subset)).toEqual({ allowed: true, scope: 'own', reason: 'granted' });
    expect(
      can(dev, 'orders.view', { resource: { type: 'order', id: 'x', ownerMemberId: 'mem_other' } }, subset).reason,
    ).toBe('not_resource_owner');
  });
});
