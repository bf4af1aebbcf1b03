import { Type } from 'typebox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// A route shaped like the real ones (strict body schema) plus one that fails inside the database.
let app: App;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(testConfig(), {
    database,
    configure(instance) {
      instance.post(
        '/test/echo',
        {
          schema: {
            body: Type.Object(
              { name: Type.String({ minLength: 1, maxLength: 50 }), count: Type.Integer({ minimum: 0 }) },
              { additionalProperties: false },
            ),
            response: { 200: Type.Object({ name: Type.String() }) },
          },
        },
        async (request) => ({ name: (request.body as { name: string }).name, internal: 'must not leak' }),
      );
      instance.get('/test/database-failure', async () => {
        await sql`select secret_column from table_that_does_not_exist`.execute(database.db);
        return {};
      });
    },
  });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

function post(payload: string, contentType = 'application/json') {
  return app.inject({ method: 'POST', url: '/test/echo', payload, headers: { 'content-type': contentType } });
}

function expectProblem(res: Awaited<ReturnType<typeof post>>, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: `urn:gatehouse:problem:${code}` });
  expect(typeof body.title).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  return body;
}

describe('problem+json for every kind of bad request', () => {
  it('accepts a valid body and serialises only the declared response fields', async () => {
    const res = await post(JSON.stringify({ name: 'Ada', count: 1 }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'Ada' });
  });

  it('answers 400 request.malformed_json for broken JSON', async () => {
    expectProblem(await post('{"name": "Ada",'), 400, 'request.malformed_json');
  });

  it('answers 400 request.invalid naming each wrong-typed field', async () => {
    const body = expectProblem(await post(JSON.stringify({ name: 5, count: '3' })), 400, 'request.invalid');
    const fields = body.errors.map((error: { field: string }) => error.field).sort();
    expect(fields).toEqual(['body/count', 'body/name']);
  });

  it('answers 400 naming a missing field', async () => {
    const body = expectProblem(await post(JSON.stringify({ name: 'Ada' })), 400, 'request.invalid');
    expect(body.errors).toContainEqual(expect.objectContaining({ field: 'body/count' }));
  });

  it('refuses unknown fields instead of dropping them', async () => {
    const body = expectProblem(
      await post(JSON.stringify({ name: 'Ada', count: 1, isAdmin: true })),
      400,
      'request.invalid',
    );
    expect(body.errors).toContainEqual({ field: 'body/isAdmin', message: 'is not an accepted field' });
  });

  it('answers one error naming the allowed values for a value outside an enumeration', async () => {
    // Query strings and bodies alike; before, each allowed value added its own
    // "must be equal to constant" line, plus one for the union.
    const cases = [
      {
        url: '/v1/accounts/acc_x/members?status=bogus',
        field: 'querystring/status',
        message: 'must be one of: invited, active, inactive, removed',
      },
      {
        url: '/v1/accounts/acc_x/invitations?status=bogus',
        field: 'querystring/status',
        message: 'must be one of: pending, accepted, revoked, expired',
      },
      {
        url: '/v1/accounts/acc_x/security-events/export?format=xml',
        field: 'querystring/format',
        message: 'must be one of: csv, ndjson',
      },
      {
        url: '/v1/accounts/acc_x/roles',
        payload: { name: 'Ops', permissions: [{ permission: 'users.view', scope: 'bogus' }] },
        field: 'body/permissions/0/scope',
        message: 'must be one of: all, own',
      },
      {
        url: '/v1/accounts/acc_x/roles',
        payload: { name: 'Ops', permissions: [{ permission: 'users.view', scope: 7 }] },
        field: 'body/permissions/0/scope',
        message: 'must be one of: all, own',
      },
      {
        url: '/v1/accounts/acc_x/contacts',
        payload: { email: 'a@example.com', topics: ['billing', 'gossip'] },
        field: 'body/topics/1',
        message: 'must be one of: billing, security, technical, general',
      },
    ];
    for (const { url, payload, field, message } of cases) {
      const res = await app.inject({ method: payload ? 'POST' : 'GET', url, payload });
      const body = expectProblem(res, 400, 'request.invalid');
      expect(body.errors, url).toEqual([{ field, message }]);
    }
  });

  it('answers 413 for a body over 64 KiB', async () => {
    expectProblem(await post(JSON.stringify({ name: 'x'.repeat(70 * 1024), count: 1 })), 413, 'request.body_too_large');
  });

  it('answers 415 for a content type other than JSON', async () => {
    expectProblem(await post('name=Ada', 'application/x-www-form-urlencoded'), 415, 'request.unsupported_media_type');
    expectProblem(await post('Ada', 'text/plain'), 415, 'request.unsupported_media_type');
  });

  it('answers 404 for an unknown route', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404, 'request.not_found');
  });

  it('answers 405 with an Allow header for a known route and a wrong method', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/healthz' });
    expectProblem(res, 405, 'request.method_not_allowed');
    expect(res.headers.allow).toContain('GET');
  });

  it('answers a generic 500 with the request id and no SQL or stack', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/database-failure' });
    const body = expectProblem(res, 500, 'internal.error');
    expect(body.detail).toContain(body.requestId);
    expect(res.body).not.toMatch(/table_that_does_not_exist|secret_column|at .*\.ts|relation/);
  });

  it('echoes a well-formed caller request id and replaces a forged one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'edge-1234abcd' } });
    expect(kept.headers['x-request-id']).toBe('edge-1234abcd');
    const replaced = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\r\nx: y' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers on every response', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    // Errors carry them too, and the docs page keeps its own policy for Swagger UI's assets.
    const missing = await app.inject({ method: 'GET', url: '/no/such/route' });
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
    expect(missing.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // So do requests refused before any route runs: a malformed API key, a credential in the URL.
    for (const refused of [
      await app.inject({
        method: 'GET',
        url: '/v1/accounts/acc_x',
        headers: { authorization: 'Bearer gh_mk_not-a-key' },
      }),
      await app.inject({ method: 'GET', url: '/v1/accounts/acc_x?api_key=secret' }),
    ]) {
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(refused.headers['cache-control']).toBe('no-store');
    }
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  });
});

describe('OpenAPI', () => {
  it('publishes an OpenAPI 3.1 document and a browsable page', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/healthz');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
