import { describe, expect, it } from 'vitest';
import { ownerAccount } from '../../support/owner-account.js';

// A custom role may not read as a built-in one: "Owner" showed twice in the roles list and
// invitees were mailed "invited as Owner" for a one-permission role.
const { t, owner, url } = await ownerAccount();

const post = (payload: object) => t.app.inject({ method: 'POST', url: url('/roles'), headers: owner.headers, payload });
const rename = (roleId: string, name: string) =>
  t.app.inject({ method: 'PATCH', url: url(`/roles/${roleId}`), headers: owner.headers, payload: { name } });

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
      const res = await post({ name, permissions: [] });
      expect(res.statusCode, name).toBe(409);
      const body = res.json();
      expect(body.code).toBe('role.name_reserved');
      expect(body.detail).toMatch(/built-in role/);
      expect(body.errors).toEqual([
        { field: 'body/name', message: expect.stringMatching(/^reads as the built-in role "/) },
      ]);
    }
    const roles = (await t.app.inject({ method: 'GET', url: url('/roles'), headers: owner.headers })).json().items as {
      name: string;
    }[];
    expect(roles.filter((role) => role.name.toLowerCase() === 'owner')).toHaveLength(1);
  });

  it('refuse it on rename, and when a role is made while inviting', async () => {
    const role = (await post({ name: 'Payouts desk', permissions: [] })).json();
    for (const name of ['Owner', 'ＡＤＭＩＮＩＳＴＲＡＴＯＲ']) {
      const res = await rename(role.id, name);
      expect(res.statusCode, name).toBe(409);
      expect(res.json().code).toBe('role.name_reserved');
    }
    expect(
      (await t.app.inject({ method: 'GET', url: url(`/roles/${role.id}`), headers: owner.headers })).json().name,
    ).toBe('Payouts desk');
    const invite = await t.app.inject({
      method: 'POST',
      url: url('/invitations'),
      headers: owner.headers,
      payload: {
        email: 'eve@example.com',
        newRole: { name: 'Owner', permissions: [{ permission: 'payments.view', scope: 'all' }] },
      },
    });
    expect(invite.statusCode).toBe(409);
    expect(invite.json()).toMatchObject({ code: 'role.name_reserved', errors: [{ field: 'body/newRole/name' }] });
  });

  it('refuse another custom role’s name read the same way, with 409 role.name_taken naming the existing role', async () => {
    const role = (await post({ name: 'Straße team', permissions: [] })).json();
    for (const name of ['STRASSE TEAM', 'strasse  team', 'Ｓｔｒａßｅ team', 'Straße\u200d team']) {
      const res = await post({ name, permissions: [] });
      expect(res.statusCode, name).toBe(409);
      expect(res.json()).toMatchObject({ code: 'role.name_taken', detail: expect.stringContaining('"Straße team"') });
    }
    const other = (await post({ name: 'Other team', permissions: [] })).json();
    expect((await rename(other.id, 'STRASSE TEAM')).json().code).toBe('role.name_taken');
    // Renaming a role to another spelling of its own name is no conflict.
    const respelt = await rename(role.id, 'Straße Team');
    expect(respelt.statusCode, respelt.body).toBe(200);
    expect(respelt.json().name).toBe('Straße Team');
  });

  it('hold when two spellings are created at once: one wins, the other is told', async () => {
    const results = await Promise.all(
      ['Straße desk', 'STRASSE DESK', 'strasse desk'].map((name) => post({ name, permissions: [] })),
    );
    expect(results.map((res) => res.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('still allow names that merely contain a built-in role’s', async () => {
    for (const name of ['Co-owner assistant', 'Finance lead', 'Support (EU)']) {
      expect((await post({ name, permissions: [] })).statusCode, name).toBe(201);
    }
  });

  it('are stored trimmed, with inner white space collapsed', async () => {
    const res = await post({ name: '  Night   shift ', permissions: [] });
    expect(res.json().name).toBe('Night shift');
  });
});
