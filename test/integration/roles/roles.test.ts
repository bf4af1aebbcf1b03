import { describe, expect, it } from 'vitest';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession } from '../../support/users.js';

const { t, owner, accountId, url } = await ownerAccount();

const call = (session: TestSession, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
  t.app.inject({ method, url: url(path), headers: session.headers, ...(payload ? { payload } : {}) });

describe('roles', () => {
  it('lists the built-in templates (read-only) and custom roles with member counts', async () => {
    await createUser(t.app, { accountId, builtinRole: 'finance' });
    const { items } = (await call(owner, 'GET', '/roles')).json();
    const keys = items.filter((r: { builtin: boolean }) => r.builtin).map((r: { id: string }) => r.id);
    expect(keys).toEqual(
      expect.arrayContaining([
        'builtin:owner',
        'builtin:administrator',
        'builtin:developer',
        'builtin:finance',
        'builtin:support',
        'builtin:restricted',
        'builtin:view_only',
      ]),
    );
    expect(items.find((r: { id: string }) => r.id === 'builtin:finance').memberCount).toBeGreaterThanOrEqual(1);
    expect(items.find((r: { id: string }) => r.id === 'builtin:owner')).toMatchObject({
      assignable: false,
      memberCount: 1,
    });
    const edit = await call(owner, 'PATCH', '/roles/builtin:finance', { name: 'Money', confirm: true });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('role.builtin_readonly');
  });

  it('creates, renames, changes and deletes a custom role; names are unique per account', async () => {
    const created = await call(owner, 'POST', '/roles', {
      name: 'Refund desk',
      permissions: [
        { permission: 'refunds.issue', scope: 'all' },
        { permission: 'orders.view', scope: 'own' },
      ],
    });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect((await call(owner, 'POST', '/roles', { name: 'refund DESK', permissions: [] })).json().code).toBe(
      'role.name_taken',
    );
    expect((await call(owner, 'PATCH', `/roles/${role.id}`, { name: 'Refunds' })).json().name).toBe('Refunds');
    // changing what it grants is sensitive: confirmation needed
    expect((await call(owner, 'PATCH', `/roles/${role.id}`, { permissions: [] })).json().code).toBe(
      'request.confirmation_required',
    );
    expect(
      (
        await call(owner, 'PATCH', `/roles/${role.id}`, {
          permissions: [{ permission: 'refunds.view', scope: 'all' }],
          confirm: true,
        })
      ).json().permissions,
    ).toEqual([{ permission: 'refunds.view', scope: 'all' }]);
    expect((await call(owner, 'DELETE', `/roles/${role.id}`, { confirm: true })).statusCode).toBe(204);
    expect((await call(owner, 'GET', `/roles/${role.id}`)).statusCode).toBe(404);
  });

  it('refuses unknown permissions, own scope where not accepted, and owner-only permissions', async () => {
    const res = await call(owner, 'POST', '/roles', {
      name: 'Broken',
      permissions: [
        { permission: 'nope.view', scope: 'all' },
        { permission: 'payments.view', scope: 'own' },
        { permission: 'bank_accounts.change', scope: 'all' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual([
      'body/permissions/bank_accounts.change',
      'body/permissions/nope.view',
      'body/permissions/payments.view',
    ]);
  });

  it('refuses to delete a role members hold, unless they move to another role in the same call', async () => {
    const role = (
      await call(owner, 'POST', '/roles', {
        name: 'Held',
        permissions: [{ permission: 'payments.view', scope: 'all' }],
      })
    ).json();
    const holder = await createUser(t.app, { accountId });
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${holder.memberId}`),
      headers: owner.headers,
      payload: { roleId: role.id, confirm: true },
    });
    const refused = await call(owner, 'DELETE', `/roles/${role.id}`, { confirm: true });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('role.in_use');
    const moved = await t.app.inject({
      method: 'DELETE',
      url: url(`/roles/${role.id}?reassignTo=builtin:view_only`),
      headers: owner.headers,
      payload: { confirm: true },
    });
    expect(moved.statusCode).toBe(204);
    expect((await call(owner, 'GET', `/members/${holder.memberId}`)).json().role.id).toBe('builtin:view_only');
  });

  it('nobody creates or edits a role with permissions they do not hold, nor edits the role they hold', async () => {
    const managerRole = (
      await call(owner, 'POST', '/roles', {
        name: 'Role manager',
        permissions: [
          { permission: 'roles.manage', scope: 'all' },
          { permission: 'payments.view', scope: 'all' },
          { permission: 'orders.view', scope: 'own' },
        ],
      })
    ).json();
    const manager = await createUser(t.app, { accountId });
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${manager.memberId}`),
      headers: owner.headers,
      payload: { roleId: managerRole.id, confirm: true },
    });
    const session = await stepUp(t.app, await signIn(t.app, manager));
    const above = await call(session, 'POST', '/roles', {
      name: 'Sneaky',
      permissions: [{ permission: 'refunds.issue', scope: 'all' }],
    });
    expect(above.statusCode).toBe(403);
    expect(above.json().code).toBe('authz.escalation');
    const widened = await call(session, 'POST', '/roles', {
      name: 'Wider',
      permissions: [{ permission: 'orders.view', scope: 'all' }],
    });
    expect(widened.json().code).toBe('authz.escalation');
    expect(
      (
        await call(session, 'POST', '/roles', {
          name: 'Narrow',
          permissions: [{ permission: 'orders.view', scope: 'own' }],
        })
      ).statusCode,
    ).toBe(201);
    const own = await call(session, 'PATCH', `/roles/${managerRole.id}`, { name: 'Mine now' });
    expect(own.json().code).toBe('authz.self_change');
  });

  it('role ids from another account answer 404', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const foreign = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/accounts/${other.accountId}/roles`,
        headers: other.headers,
        payload: { name: 'Theirs', permissions: [] },
      })
    ).json();
    expect((await call(owner, 'GET', `/roles/${foreign.id}`)).statusCode).toBe(404);
    expect((await call(owner, 'PATCH', `/roles/${foreign.id}`, { name: 'Ours' })).statusCode).toBe(404);
    expect((await call(owner, 'DELETE', `/roles/${foreign.id}`, { confirm: true })).statusCode).toBe(404);
  });
});
