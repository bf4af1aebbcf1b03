import { describe, expect, it } from 'vitest';
import { testPlatformToken } from '../../support/app.js';
import { ownerAccount } from '../../support/owner-account.js';

// Every operation of the OpenAPI document, each string it takes (path parameters, query
// parameters, top-level body fields) given a NUL and then an unpaired surrogate: each answer
// is 400 problem+json naming that field, never a 500 from the database or the hasher.
const { t, owner, accountId } = await ownerAccount();

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
}
interface Operation {
  parameters?: { in: string; name: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
  paths: Record<string, Record<string, Operation>>;
}>();
const isString = (schema: Schema): boolean =>
  schema.type === 'string' ||
  (Array.isArray(schema.type) && schema.type.includes('string')) ||
  (schema.anyOf ?? []).some(isString);

interface Case {
  name: string;
  method: string;
  url: string;
  field: string;
  body?: string;
  contentType?: string;
}

const hostile = { nul: 'a\u0000b', surrogate: 'a\ud800b' };
// Real ids where a route needs one, so that nothing but the string under test is wrong.
const fill = (path: string) => path.replace('{accountId}', accountId).replace(/\{(\w+)\}/g, 'x_1');

function casesFor(kind: keyof typeof hostile): Case[] {
  const value = hostile[kind];
  const cases: Case[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method === 'head' || path.startsWith('/docs')) continue;
      const base = fill(path);
      for (const parameter of operation.parameters ?? []) {
        if (!isString(parameter.schema)) continue;
        // A URL carries text as UTF-8, which cannot hold a surrogate; NUL it can (%00).
        if (kind === 'surrogate') continue;
        if (parameter.in === 'path') {
          const url = fill(path.replace(`{${parameter.name}}`, 'a%00b'));
          cases.push({
            name: `${method.toUpperCase()} ${path} path ${parameter.name}`,
            method,
            url,
            field: `params/${parameter.name}`,
          });
        } else if (parameter.in === 'query') {
          const url = `${base}?${parameter.name}=a%00b`;
          cases.push({
            name: `${method.toUpperCase()} ${path} query ${parameter.name}`,
            method,
            url,
            field: `querystring/${parameter.name}`,
          });
        }
      }
      const content = operation.requestBody?.content ?? {};
      for (const [contentType, { schema }] of Object.entries(content)) {
        if (contentType === 'application/json') {
          for (const [name, property] of Object.entries(schema.properties ?? {})) {
            if (!isString(property)) continue;
            cases.push({
              name: `${method.toUpperCase()} ${path} body ${name}`,
              method,
              url: base,
              field: `body/${name}`,
              body: JSON.stringify({ [name]: value }),
              contentType,
            });
          }
        } else if (contentType === 'text/csv') {
          cases.push({
            name: `${method.toUpperCase()} ${path} CSV body`,
            method,
            url: base,
            field: 'body',
            body: `email,role\n${value}@example.com,developer\n`,
            contentType,
          });
        }
      }
    }
  }
  return cases;
}

async function send(test: Case, headers: Record<string, string>) {
  return t.app.inject({
    method: test.method as 'GET',
    url: test.url,
    headers: { ...headers, ...(test.contentType ? { 'content-type': test.contentType } : {}) },
    payload: test.body,
  });
}

const nulCases = casesFor('nul');
const surrogateCases = casesFor('surrogate');

describe('NUL characters and unpaired surrogates', () => {
  it('covers the operations that gave 500 (anonymous sign-in, password reset, invitation accept, members, roles)', () => {
    const names = [...nulCases, ...surrogateCases].map((test) => test.name);
    for (const expected of [
      'POST /v1/session body email',
      'POST /v1/session body password',
      'POST /v1/password-reset body email',
      'POST /v1/invitations/accept body name',
      'POST /v1/accounts/{accountId}/invitations body name',
      'PATCH /v1/accounts/{accountId}/members/{memberId} body name',
      'POST /v1/accounts/{accountId}/roles body name',
      'GET /v1/accounts/{accountId}/members query q',
      'GET /v1/accounts/{accountId}/members/{memberId} path memberId',
    ]) {
      expect(names).toContain(expected);
    }
    expect(nulCases.length).toBeGreaterThan(80);
  });

  for (const [kind, cases] of [
    ['NUL', nulCases],
    ['unpaired surrogate', surrogateCases],
  ] as const) {
    it(`answers 400 naming the field for a ${kind} in every string of every operation, signed in or not`, async () => {
      const failures: string[] = [];
      for (const test of cases) {
        for (const headers of [owner.headers, {}]) {
          const res = await send(test, headers);
          const body = res.json<{ code?: string; errors?: { field: string; message: string }[] }>();
          const named = body.errors?.some((error) => error.field === test.field && /NUL|surrogate/.test(error.message));
          if (
            res.statusCode !== 400 ||
            !String(res.headers['content-type']).startsWith('application/problem+json') ||
            body.code !== 'request.invalid' ||
            !named
          ) {
            failures.push(
              `${test.name} (${Object.keys(headers).length ? 'owner' : 'anonymous'}): ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('finds them nested in arrays and objects, and in property names', async () => {
    const nested = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${accountId}/roles`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Ops', permissions: [{ permission: 'users.view', scope: 'a\ud800' }] }),
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().errors).toContainEqual({
      field: 'body/permissions/0/scope',
      message: expect.stringMatching(/surrogate/),
    });
    const key = await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}/members/${owner.memberId}`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ flags: { 'a\u0000': true } }),
    });
    expect(key.statusCode).toBe(400);
    expect(key.json().errors).toContainEqual({
      field: 'body/flags',
      message: expect.stringMatching(/property name .*NUL/),
    });
  });

  it('still accepts text with paired surrogates (emoji) and other Unicode', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: owner.headers,
      payload: { name: 'Zoë 😀 Ω' },
    });
    expect(res.statusCode).toBe(200);
  });
});

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
