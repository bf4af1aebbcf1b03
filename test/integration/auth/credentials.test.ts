import { describe, expect, it } from 'vitest';
import { platformHeaders } from '../../support/fixtures.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, stepUp } from '../../support/users.js';

// Every Authorization header that does not authenticate answers the same 401
// auth.invalid_credentials, whatever its shape and whatever else the request carries: a
// guesser learns nothing from the answer, and a bad header never falls through to a cookie.
const { t, owner, accountId, url } = await ownerAccount();

async function liveKey(): Promise<string> {
  const user = await createUser(t.app, { accountId, builtinRole: 'developer' });
  await t.app.inject({
    method: 'PATCH',
    url: url(`/members/${user.memberId}`),
    headers: owner.headers,
    payload: { flags: { apiAccess: true }, confirm: true },
  });
  const dev = await stepUp(t.app, await signIn(t.app, user));
  const res = await t.app.inject({
    method: 'POST',
    url: url('/api-keys'),
    headers: dev.headers,
    payload: { name: 'CI', confirm: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

const key = await liveKey();
const failing = {
  'a value that is not key-shaped': 'Bearer hello',
  'a long opaque value': 'Bearer not-the-token-at-all-0123456789abcdef',
  'a wrong platform token': `${platformHeaders.authorization}x`,
  'a real key with its prefix in capitals': `Bearer ${key.slice(0, 6).toUpperCase()}${key.slice(6)}`,
  'a key-shaped guess': `Bearer gh_mk_${'0'.repeat(49)}`,
  'a real key with a typo': `Bearer ${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`,
  'another scheme': 'Basic dXNlcjpwYXNzd29yZA==',
  'a bare scheme': 'Bearer',
  'an empty header': '',
};

const answerOf = (res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> }) => {
  const { requestId: _requestId, ...body } = res.json();
  return { status: res.statusCode, type: res.headers['content-type'], body };
};

describe('a failed credential', () => {
  for (const [what, authorization] of Object.entries(failing)) {
    it(`answers 401 auth.invalid_credentials for ${what}, alone or beside a valid session cookie`, async () => {
      for (const headers of [
        { authorization },
        { authorization, cookie: owner.cookie },
        { authorization, ...owner.headers },
      ]) {
        const account = await t.app.inject({ method: 'GET', url: url(''), headers });
        expect(answerOf(account)).toEqual({
          status: 401,
          type: 'application/problem+json; charset=utf-8',
          body: {
            type: 'urn:gatehouse:problem:auth.invalid_credentials',
            title: 'The credentials are not valid',
            status: 401,
            code: 'auth.invalid_credentials',
            detail: 'The credentials are not valid',
          },
        });
        // Routes that anonymous callers use, and the platform's, answer the same.
        for (const request of [
          { method: 'GET' as const, url: '/v1/me' },
          {
            method: 'POST' as const,
            url: '/v1/authz/check',
            payload: { accountId, subject: { memberId: owner.memberId }, permission: 'users.view' },
          },
          { method: 'POST' as const, url: '/v1/session', payload: { email: owner.email, password: owner.password } },
        ]) {
          const res = await t.app.inject({ ...request, headers });
          expect(answerOf(res), `${request.method} ${request.url}`).toEqual(answerOf(account));
        }
      }
    });
  }

  it('is told from a missing one only by the absence of the header', async () => {
    const none = await t.app.inject({ method: 'GET', url: url('') });
    expect(none.json().code).toBe('auth.required');
  });

  it('leaves working credentials working: the key, the platform token, the cookie alone', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: url(''), headers: { authorization: `Bearer ${key}` } })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: url(''), headers: { authorization: `bearer ${key}` } })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: url(''), headers: platformHeaders })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: url(''), headers: owner.headers })).statusCode).toBe(200);
  });
});
