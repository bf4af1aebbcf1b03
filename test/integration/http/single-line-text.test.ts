import { describe, expect, it } from 'vitest';
import { testPlatformToken } from '../../support/app.js';
import { ownerAccount } from '../../support/owner-account.js';

// Names, descriptions and other single-line fields refuse control characters (a forged log
// line, an ANSI escape), while text in any script, emoji included, stays welcome.
const { t, owner, accountId } = await ownerAccount();

describe('single-line text fields', () => {
  const forged = [
    'Eve\r\n{"action":"forged.event"}',
    'Eve\n',
    'a\u001b[31mred',
    'a\tb',
    'a\u007f',
    'a\u0085b',
    'a\u2028b',
  ];
  const platform = { authorization: `Bearer ${testPlatformToken}` };
  const url = (path: string) => `/v1/accounts/${accountId}${path}`;
  const fields: {
    name: string;
    method: 'POST' | 'PATCH' | 'PUT';
    url: string;
    field: string;
    body: (text: string) => object;
    platform?: boolean;
  }[] = [
    { name: 'your own name', method: 'PATCH', url: '/v1/me', field: 'body/name', body: (name) => ({ name }) },
    {
      name: 'a member name',
      method: 'PATCH',
      url: url('/members/mem_x'),
      field: 'body/name',
      body: (name) => ({ name, confirm: true }),
    },
    {
      name: 'an identity field',
      method: 'PATCH',
      url: url('/members/mem_x'),
      field: 'body/identity/idNumber',
      body: (idNumber) => ({ identity: { idNumber }, confirm: true }),
    },
    {
      name: 'an invitee name',
      method: 'POST',
      url: url('/invitations'),
      field: 'body/name',
      body: (name) => ({ email: 'eve@example.com', roleId: 'builtin:developer', name }),
    },
    {
      name: 'an invitee phone',
      method: 'POST',
      url: url('/invitations'),
      field: 'body/identity/phone',
      body: (phone) => ({ email: 'eve@example.com', roleId: 'builtin:developer', identity: { phone } }),
    },
    {
      name: 'a new role made while inviting',
      method: 'POST',
      url: url('/invitations'),
      field: 'body/newRole/name',
      body: (name) => ({ email: 'eve@example.com', newRole: { name, permissions: [] } }),
    },
    {
      name: 'the name given on accepting',
      method: 'POST',
      url: '/v1/invitations/accept',
      field: 'body/name',
      body: (name) => ({ token: 'x'.repeat(43), name, password: 'a long enough password' }),
    },
    {
      name: 'a role name',
      method: 'POST',
      url: url('/roles'),
      field: 'body/name',
      body: (name) => ({ name, permissions: [] }),
    },
    {
      name: 'a role rename',
      method: 'PATCH',
      url: url('/roles/rol_x'),
      field: 'body/name',
      body: (name) => ({ name }),
    },
    { name: 'a profile name', method: 'POST', url: url('/profiles'), field: 'body/name', body: (name) => ({ name }) },
    {
      name: 'a contact name',
      method: 'POST',
      url: url('/contacts'),
      field: 'body/name',
      body: (name) => ({ email: 'billing@example.com', name }),
    },
    {
      name: 'an API key name',
      method: 'POST',
      url: url('/api-keys'),
      field: 'body/name',
      body: (name) => ({ name, confirm: true }),
    },
    { name: 'the account name', method: 'PATCH', url: url(''), field: 'body/name', body: (name) => ({ name }) },
    {
      name: 'a new account and its owner',
      method: 'POST',
      url: '/v1/accounts',
      field: 'body/ownerName',
      body: (ownerName) => ({ name: 'Shop', ownerEmail: 'pat@example.com', ownerName }),
      platform: true,
    },
    {
      name: 'a resource name',
      method: 'PUT',
      url: url('/resources/bank_account/ba_1'),
      field: 'body/name',
      body: (name) => ({ name }),
      platform: true,
    },
  ];

  for (const target of fields) {
    it(`refuses control characters in ${target.name} with 400 naming ${target.field}`, async () => {
      for (const text of forged) {
        const res = await t.app.inject({
          method: target.method,
          url: target.url,
          headers: target.platform ? platform : owner.headers,
          payload: target.body(text),
        });
        expect(res.statusCode, `${JSON.stringify(text)}: ${res.body}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json().errors).toContainEqual({
          field: target.field,
          message: expect.stringMatching(/single line/),
        });
      }
    });
  }

  it('refuses them in the names of a bulk CSV upload, naming the line', async () => {
    const csv =
      'email,role,name\nok@example.com,developer,Ok\neve@example.com,developer,"Eve\r\n{""action"":""forged""}"\n';
    const res = await t.app.inject({
      method: 'POST',
      url: url('/invitations/bulk'),
      headers: { ...owner.headers, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({
      field: 'line 3',
      message: expect.stringMatching(/^name must be a single line/),
    });
  });

  it('lets a role description span lines, but refuses other control characters in it', async () => {
    const lines = await t.app.inject({
      method: 'POST',
      url: url('/roles'),
      headers: owner.headers,
      payload: { name: 'Described', description: 'Line one\r\nLine two\n\tindented', permissions: [] },
    });
    expect(lines.statusCode, lines.body).toBe(201);
    const escape = await t.app.inject({
      method: 'POST',
      url: url('/roles'),
      headers: owner.headers,
      payload: { name: 'Escaped', description: 'a\u001b[2Jb', permissions: [] },
    });
    expect(escape.statusCode).toBe(400);
    expect(escape.json().errors).toContainEqual({
      field: 'body/description',
      message: expect.stringMatching(/control characters/),
    });
  });

  it('keeps accepting names in any script, with accents, emoji and inner spaces', async () => {
    for (const name of ['Zoë Ångström', '山田 太郎', 'Ana 😀', 'O’Brien-Smith']) {
      const res = await t.app.inject({
        method: 'POST',
        url: url('/roles'),
        headers: owner.headers,
        payload: { name: `Team ${name}`, permissions: [] },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
});
