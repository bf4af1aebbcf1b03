import { describe, expect, it } from 'vitest';
import { invite } from '../../support/clients/invitations.js';
import { createRole, getRole, listRoles, updateRole } from '../../support/clients/roles.js';
import { ownerAccount } from '../../support/owner-account.js';

// A custom role may not read as a built-in one: "Owner" showed twice in the roles list and
// invitees were mailed "invited as Owner" for a one-permission role.
const { t, owner, accountId } = await ownerAccount();

const create = (name: string) => createRole(t.app, owner, accountId, { name, permissions: [] });
const rename = (roleId: string, name: string) => updateRole(t.app, owner, accountId, roleId, { name });

describe('custom role names', () => {
  const reserved = [
    'Owner',
    'owner',
    'OWNER',
    'ＯＷＮＥＲ',
    ' Administrator ',
    'administrator',
    'Admini\u200bstrator',
    'View only',
    'view_only',
    'VIEW  ONLY',
    'Developer',
    'ﬁnance',
  ];

  it('refuse a built-in role’s name on create, after NFKC and case folding, with 409 role.name_reserved naming the field', async () => {
    for (const name of reserved) {
      const res = await create(name);
      expect(res.status, name).toBe(409);
      expect(res.code).toBe('role.name_reserved');
      expect(res.problem?.detail).toMatch(/built-in role/);
      expect(res.problem?.errors).toEqual([
        { field: 'body/name', message: expect.stringMatching(/^reads as the built-in role "/) },
      ]);
    }
    const roles = (await listRoles(t.app, owner, accountId)).body.items;
    expect(roles.filter((role) => role.name.toLowerCase() === 'owner')).toHaveLength(1);
  });

  it('refuse it on rename, and when a role is made while inviting', async () => {
    const role = (await create('Payouts desk')).body;
    for (const name of ['Owner', 'ＡＤＭＩＮＩＳＴＲＡＴＯＲ']) {
      const res = await rename(role.id, name);
      expect([res.status, res.code], name).toEqual([409, 'role.name_reserved']);
    }
    expect((await getRole(t.app, owner, accountId, role.id)).body.name).toBe('Payouts desk');
    const invited = await invite(t.app, owner, accountId, {
      email: 'eve@example.com',
      newRole: { name: 'Owner', permissions: [{ permission: 'payments.view', scope: 'all' }] },
    });
    expect(invited.status).toBe(409);
    expect(invited.problem).toMatchObject({ code: 'role.name_reserved', errors: [{ field: 'body/newRole/name' }] });
  });

  it('refuse another custom role’s name read the same way, with 409 role.name_taken naming the existing role', async () => {
    const role = (await create('Straße team')).body;
    for (const name of ['STRASSE TEAM', 'strasse  team', 'Ｓｔｒａßｅ team', 'Straße\u200d team']) {
      const res = await create(name);
      expect(res.status, name).toBe(409);
      expect(res.problem).toMatchObject({ code: 'role.name_taken', detail: expect.stringContaining('"Straße team"') });
    }
    const other = (await create('Other team')).body;
    expect((await rename(other.id, 'STRASSE TEAM')).code).toBe('role.name_taken');
    // Renaming a role to another spelling of its own name is no conflict.
    const respelt = await rename(role.id, 'Straße Team');
    expect(respelt.status, respelt.response.body).toBe(200);
    expect(respelt.body.name).toBe('Straße Team');
  });

  it('hold when two spellings are created at once: one wins, the other is told', async () => {
    const results = await Promise.all(['Straße desk', 'STRASSE DESK', 'strasse desk'].map((name) => create(name)));
    expect(results.map((res) => res.status).sort()).toEqual([201, 409, 409]);
  });

  it('still allow names that merely contain a built-in role’s', async () => {
    for (const name of ['Co-owner assistant', 'Finance lead', 'Support (EU)']) {
      expect((await create(name)).status, name).toBe(201);
    }
  });

  it('are stored trimmed, with inner white space collapsed', async () => {
    expect((await create('  Night   shift ')).body.name).toBe('Night shift');
  });
});
