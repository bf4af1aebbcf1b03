import { describe, expect, it } from 'vitest';
import type { Grant } from '../../../src/catalog/catalog.js';
import { getMember, updateMember } from '../../support/clients/members.js';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../support/clients/roles.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

/** A custom role, created by the owner. */
async function customRole(name: string, permissions: Grant[]) {
  const created = await createRole(t.app, owner, accountId, { name, permissions });
  expect(created.status).toBe(201);
  return created.body;
}

describe('roles', () => {
  it('lists the built-in templates (read-only) and custom roles with member counts', async () => {
    await createUser(t.app, { accountId, builtinRole: 'finance' });
    const { items } = (await listRoles(t.app, owner, accountId)).body;
    expect(items.filter((role) => role.builtin).map((role) => role.id)).toEqual(
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
    expect(items.find((role) => role.id === 'builtin:finance')?.memberCount).toBeGreaterThanOrEqual(1);
    expect(items.find((role) => role.id === 'builtin:owner')).toMatchObject({ assignable: false, memberCount: 1 });
    const edit = await updateRole(t.app, owner, accountId, 'builtin:finance', { name: 'Money', confirm: true });
    expect([edit.status, edit.code]).toEqual([409, 'role.builtin_readonly']);
  });

  it('creates, renames, changes and deletes a custom role; names are unique per account', async () => {
    const role = await customRole('Refund desk', [
      { permission: 'refunds.issue', scope: 'all' },
      { permission: 'orders.view', scope: 'own' },
    ]);
    expect((await createRole(t.app, owner, accountId, { name: 'refund DESK', permissions: [] })).code).toBe(
      'role.name_taken',
    );
    expect((await updateRole(t.app, owner, accountId, role.id, { name: 'Refunds' })).body.name).toBe('Refunds');
    // changing what it grants is sensitive: confirmation needed
    expect((await updateRole(t.app, owner, accountId, role.id, { permissions: [] })).code).toBe(
      'request.confirmation_required',
    );
    const changed = await updateRole(t.app, owner, accountId, role.id, {
      permissions: [{ permission: 'refunds.view', scope: 'all' }],
      confirm: true,
    });
    expect(changed.body.permissions).toEqual([{ permission: 'refunds.view', scope: 'all' }]);
    expect((await deleteRole(t.app, owner, accountId, role.id)).status).toBe(204);
    expect((await getRole(t.app, owner, accountId, role.id)).status).toBe(404);
  });

  it('refuses unknown permissions, own scope where not accepted, and owner-only permissions', async () => {
    const res = await createRole(t.app, owner, accountId, {
      name: 'Broken',
      permissions: [
        { permission: 'nope.view', scope: 'all' },
        { permission: 'payments.view', scope: 'own' },
        { permission: 'bank_accounts.change', scope: 'all' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.problem?.errors?.map((error) => error.field).sort()).toEqual([
      'body/permissions/bank_accounts.change',
      'body/permissions/nope.view',
      'body/permissions/payments.view',
    ]);
  });

  it('refuses to delete a role members hold, unless they move to another role in the same call', async () => {
    const role = await customRole('Held', [{ permission: 'payments.view', scope: 'all' }]);
    const holder = await createUser(t.app, { accountId });
    expect((await updateMember(t.app, owner, accountId, holder.memberId!, { roleId: role.id })).status).toBe(200);
    const refused = await deleteRole(t.app, owner, accountId, role.id);
    expect([refused.status, refused.code]).toEqual([409, 'role.in_use']);
    expect((await deleteRole(t.app, owner, accountId, role.id, 'builtin:view_only')).status).toBe(204);
    expect((await getMember(t.app, owner, accountId, holder.memberId!)).body.role?.id).toBe('builtin:view_only');
  });

  it('nobody creates or edits a role with permissions they do not hold, nor edits the role they hold', async () => {
    const managerRole = await customRole('Role manager', [
      { permission: 'roles.manage', scope: 'all' },
      { permission: 'payments.view', scope: 'all' },
      { permission: 'orders.view', scope: 'own' },
    ]);
    const manager = await createUser(t.app, { accountId });
    expect((await updateMember(t.app, owner, accountId, manager.memberId!, { roleId: managerRole.id })).status).toBe(
      200,
    );
    const session = await stepUp(t.app, await signIn(t.app, manager));
    const create = (name: string, permissions: Grant[]) => createRole(t.app, session, accountId, { name, permissions });
    const above = await create('Sneaky', [{ permission: 'refunds.issue', scope: 'all' }]);
    expect([above.status, above.code]).toEqual([403, 'authz.escalation']);
    expect((await create('Wider', [{ permission: 'orders.view', scope: 'all' }])).code).toBe('authz.escalation');
    expect((await create('Narrow', [{ permission: 'orders.view', scope: 'own' }])).status).toBe(201);
    const own = await updateRole(t.app, session, accountId, managerRole.id, { name: 'Mine now' });
    expect(own.code).toBe('authz.self_change');
  });

  it('role ids from another account answer 404, and the role is unchanged', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const foreign = await createRole(t.app, other, other.accountId!, { name: 'Theirs', permissions: [] });
    expect(foreign.status).toBe(201);
    const id = foreign.body.id;
    expect((await getRole(t.app, owner, accountId, id)).status).toBe(404);
    expect((await updateRole(t.app, owner, accountId, id, { name: 'Ours' })).status).toBe(404);
    expect((await deleteRole(t.app, owner, accountId, id)).status).toBe(404);
    expect((await getRole(t.app, other, other.accountId!, id)).body).toEqual(foreign.body);
  });
});
