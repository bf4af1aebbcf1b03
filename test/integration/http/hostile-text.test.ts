import { describe, expect, it } from 'vitest';
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
