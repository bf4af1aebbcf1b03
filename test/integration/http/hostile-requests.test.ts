import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ownerAccount } from '../../support/owner-account.js';

const { t, owner, url } = await ownerAccount({ env: { REQUEST_TIMEOUT_SECONDS: '1' } });
await t.app.listen({ host: '127.0.0.1', port: 0 });
const port = (t.app.server.address() as AddressInfo).port;

const cursor = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Cursors a client could craft: not base64 JSON, the wrong shape, the wrong types, dates that are none, text PostgreSQL refuses. */
const craftedCursors = [
  'not a cursor!',
  cursor('[]'),
  cursor('"text"'),
  cursor('null'),
  cursor({}),
  cursor({ at: 'yesterday', seq: 'x', chain: 1 }),
  cursor({ at: '2026-13-45T99:00:00Z', seq: 1, chain: 'acc' }),
  cursor({ at: '2026-01-01T00:00:00.000Z', seq: 1e300, chain: 'acc' }),
  cursor({ v: 'x', id: 'mem_1', s: 'createdAt' }),
  cursor({ v: 'a\u0000b', id: 'mem_1', s: 'name' }),
  cursor({ createdAt: 'soon', id: { $gt: '' } }),
  cursor({ type: ['bank_account'], externalId: 'x' }),
  cursor({ type: 'bank_account', externalId: 'x\ud800' }),
];

const lists = ['/security-events', '/members', '/members?sort=-createdAt', '/invitations', '/resources'];

describe('a crafted pagination cursor', () => {
  it.each(lists)('on %s answers 400 problem+json naming the cursor, never 500', async (list) => {
    for (const crafted of craftedCursors) {
      const res = await t.app.inject({
        method: 'GET',
        url: url(list) + (list.includes('?') ? '&' : '?') + `cursor=${encodeURIComponent(crafted)}`,
        headers: owner.headers,
      });
      expect(res.statusCode, `${list} with ${Buffer.from(crafted, 'base64url').toString()}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'request.invalid', errors: [{ field: 'querystring/cursor' }] });
    }
  });

  it('on your own security events answers 400 too', async () => {
    for (const crafted of craftedCursors) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/me/security-events?cursor=${encodeURIComponent(crafted)}`,
        headers: owner.headers,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('querystring/cursor');
    }
  });

  it('from another sort order is refused by name, and a real one still pages', async () => {
    const first = (
      await t.app.inject({ method: 'GET', url: url('/members?limit=1&sort=email'), headers: owner.headers })
    ).json();
    const other = await t.app.inject({
      method: 'GET',
      url: url(`/members?limit=1&sort=name&cursor=${first.nextCursor ?? cursor({ v: 'a', id: 'mem_1', s: 'email' })}`),
      headers: owner.headers,
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().errors[0]).toMatchObject({
      field: 'querystring/cursor',
      message: expect.stringContaining('sort'),
    });
    const events = (
      await t.app.inject({ method: 'GET', url: url('/security-events?limit=1'), headers: owner.headers })
    ).json();
    const next = await t.app.inject({
      method: 'GET',
      url: url(`/security-events?limit=1&cursor=${events.nextCursor}`),
      headers: owner.headers,
    });
    expect(next.statusCode).toBe(200);
  });

  it('on lists that do not page (roles, API keys) never answers 500', async () => {
    for (const list of ['/roles', '/api-keys']) {
      const res = await t.app.inject({
        method: 'GET',
        url: url(`${list}?cursor=${craftedCursors[5]}`),
        headers: owner.headers,
      });
      expect(res.statusCode).toBeLessThan(500);
    }
  });
});

/** Sends raw bytes and reads until the server closes or answers in full. */
function rawRequest(
  bytes: string,
  { endAfterWrite = false } = {},
): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(received.slice(0, 200))}`));
      else resolve({ status, headers: head.toLowerCase(), body });
    });
    socket.write(bytes);
    if (endAfterWrite) socket.end();
  });
}

function expectProblem(answer: { status: number; headers: string; body: string }, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers).toContain('content-type: application/problem+json');
  const body = JSON.parse(answer.body);
  expect(body).toMatchObject({ status, code, type: `urn:gatehouse:problem:${code}` });
  expect(body.requestId).toBeTruthy();
}

describe('requests the router or Node’s parser refuses answer problem+json', () => {
  it('a URL that does not decode: 400 request.malformed_url', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/accounts/%zz/members' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'request.malformed_url' });
  });

  it('a URL past 8 KiB: 414 request.uri_too_long, also when it alone fills Node’s header limit', async () => {
    const long = await t.app.inject({ method: 'GET', url: `/v1/me?q=${'a'.repeat(9000)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toMatchObject({ code: 'request.uri_too_long' });
    expectProblem(
      await rawRequest(`GET /v1/me?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      414,
      'request.uri_too_long',
    );
    const param = await t.app.inject({ method: 'GET', url: `/v1/accounts/${'a'.repeat(300)}/members` });
    expect(param.statusCode).toBe(414);
    expect(param.json()).toMatchObject({ code: 'request.uri_too_long' });
  });

  it('headers past Node’s limit: 431 request.headers_too_large', async () => {
    expectProblem(
      await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
      431,
      'request.headers_too_large',
    );
  });

  it('bytes that are not HTTP: 400 request.malformed', async () => {
    expectProblem(await rawRequest('HELLO THERE\r\n\r\n'), 400, 'request.malformed');
  });

  it('a request that does not arrive within REQUEST_TIMEOUT_SECONDS: 408 request.timeout', async () => {
    expectProblem(await rawRequest('GET /healthz HTTP/1.1\r\nHost: x\r\n'), 408, 'request.timeout');
  });
});
