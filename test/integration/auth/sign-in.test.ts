import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/shared/tokens.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, sessionTokenFrom, signIn, signUpAndSignIn, totpCode } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// Each test signs in from its own address, so the per-IP counters of one do not affect another.
let ipCounter = 0;
const freshIp = () => `10.1.0.${++ipCounter}`;

async function postSession(email: string, password: string, extra: { cookie?: string; remoteAddress?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email, password },
    remoteAddress: extra.remoteAddress ?? freshIp(),
    ...(extra.cookie ? { headers: { cookie: extra.cookie } } : {}),
  });
}

describe('POST /v1/session', () => {
  it('asks an enrolled user for the second factor, with a pending session that opens nothing else', async () => {
    const user = await createUser(t.app, { account: true });
    const res = await postSession(` ${user.email.toUpperCase()} `, user.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ next: 'second_factor', csrfToken: expect.any(String) });
    const cookie = res.cookies.find((c) => c.name === 'gatehouse_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: `gatehouse_session=${cookie.value}` },
    });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('auth.second_factor_required');
    const sessions = await t.app.inject({
      method: 'GET',
      url: '/v1/me/sessions',
      headers: { cookie: `gatehouse_session=${cookie.value}` },
    });
    expect(sessions.statusCode).toBe(401);
  });

  it('sends a user without TOTP to enrolment, because 2FA is required by default', async () => {
    const user = await createUser(t.app, { totp: false, account: true });
    expect((await postSession(user.email, user.password)).json().next).toBe('enrol_totp');
    const noAccount = await createUser(t.app, { totp: false });
    expect((await postSession(noAccount.email, noAccount.password)).json().next).toBe('enrol_totp');
  });

  it('signs in with the password alone only when every account of the user has 2FA off', async () => {
    const user = await createUser(t.app, { totp: false, account: { requireTwoFactor: false } });
    const res = await postSession(user.email, user.password);
    expect(res.json().next).toBe('done');
    const me = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}` },
    });
    expect(me.statusCode).toBe(200);

    const strict = await createUser(t.app, { totp: false, account: true });
    await sql`insert into members (account_id, id, user_id, status, builtin_role) select ${user.accountId!}, 'mem_second', ${strict.userId}, 'active', 'view_only'`.execute(
      t.app.deps.database.db,
    );
    expect((await postSession(strict.email, strict.password)).json().next).toBe('enrol_totp');
  });

  it('answers an unknown email, a wrong password and a user without a password alike', async () => {
    const user = await createUser(t.app);
    const invited = await createUser(t.app);
    await sql`update users set password_hash = null where id = ${invited.userId}`.execute(t.app.deps.database.db);
    const answers = [
      await postSession('nobody-here@example.com', 'whatever password'),
      await postSession(user.email, 'not the password'),
      await postSession(invited.email, invited.password),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      const { requestId: _requestId, ...body } = res.json();
      expect(body).toEqual({
        type: 'urn:gatehouse:problem:auth.invalid_credentials',
        title: 'The credentials are not valid',
        status: 401,
        code: 'auth.invalid_credentials',
        detail: 'The email or password is not right',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('rehashes a password stored with outdated argon2 parameters', async () => {
    const user = await createUser(t.app, { password: 'an old hash was used here' });
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash(user.password, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await sql`update users set password_hash = ${weak} where id = ${user.userId}`.execute(t.app.deps.database.db);
    expect((await postSession(user.email, user.password)).statusCode).toBe(200);
    const { rows } = await sql<{
      password_hash: string;
    }>`select password_hash from users where id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('session fixation', () => {
  it('never adopts a token the browser brought: a planted token is not valid after sign-in', async () => {
    const user = await createUser(t.app);
    const planted = 'A'.repeat(43);
    const first = await postSession(user.email, user.password, { cookie: `gatehouse_session=${planted}` });
    const pendingToken = sessionTokenFrom(t.app, first)!;
    expect(pendingToken).not.toBe(planted);
    const second = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: { cookie: `gatehouse_session=${pendingToken}`, 'x-csrf-token': first.json().csrfToken },
      payload: { code: await totpCode(t.app, user) },
    });
    expect(second.statusCode).toBe(200);
    const finalToken = sessionTokenFrom(t.app, second)!;
    expect(finalToken).not.toBe(pendingToken);
    for (const token of [planted, pendingToken]) {
      const me = await t.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { cookie: `gatehouse_session=${token}` },
      });
      expect(me.statusCode).toBe(401);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: `gatehouse_session=${finalToken}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('ends the session a browser brought when it signs in again (an attacker’s own session planted on a victim dies)', async () => {
    const attacker = await signUpAndSignIn(t.app);
    const victim = await createUser(t.app);
    const res = await postSession(victim.email, victim.password, { cookie: attacker.cookie });
    expect(res.statusCode).toBe(200);
    expect(sessionTokenFrom(t.app, res)).not.toBe(attacker.token);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: attacker.cookie } })).statusCode,
    ).toBe(401);
  });

  it('stores only the SHA-256 of session tokens', async () => {
    const session = await signUpAndSignIn(t.app);
    const { rows } = await sql<{
      token_hash: Buffer;
    }>`select token_hash from sessions where user_id = ${session.userId}`.execute(t.app.deps.database.db);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0].token_hash).equals(hashToken(session.token))).toBe(true);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  });
});

describe('POST /v1/session/second-factor', () => {
  it('completes sign-in with a TOTP code and refuses the same code again (replay)', async () => {
    const user = await createUser(t.app);
    const first = await postSession(user.email, user.password);
    const code = await totpCode(t.app, user);
    const headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(t.app, first)}`,
      'x-csrf-token': first.json().csrfToken,
    };
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/session/second-factor', headers, payload: { code } })).statusCode,
    ).toBe(200);

    const again = await postSession(user.email, user.password);
    const replay = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: {
        cookie: `gatehouse_session=${sessionTokenFrom(t.app, again)}`,
        'x-csrf-token': again.json().csrfToken,
      },
      payload: { code },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('auth.invalid_code');
  });

  it('turns 20 parallel requests with one code into exactly one session', async () => {
    const user = await createUser(t.app);
    const first = await postSession(user.email, user.password);
    const headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(t.app, first)}`,
      'x-csrf-token': first.json().csrfToken,
    };
    const code = await totpCode(t.app, user);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.app.inject({ method: 'POST', url: '/v1/session/second-factor', headers, payload: { code } }),
      ),
    );
    expect(answers.filter((res) => res.statusCode === 200)).toHaveLength(1);
    for (const res of answers.filter((r) => r.statusCode !== 200)) expect([401, 429]).toContain(res.statusCode);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from sessions where user_id = ${user.userId} and stage = 'active'`.execute(
      t.app.deps.database.db,
    );
    expect(rows[0].n).toBe(1);
  });

  it('accepts a recovery code once', async () => {
    const user = await createUser(t.app, { totp: false });
    // Enrol through the API to get real recovery codes.
    const pending = await signIn(t.app, user);
    const started = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: pending.headers });
    user.totpSecret = new URL(started.json().otpauthUri).searchParams.get('secret');
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/v1/me/totp/confirm',
      headers: pending.headers,
      payload: { code: await totpCode(t.app, user) },
    });
    const recoveryCode = confirmed.json().recoveryCodes[0] as string;

    const use = async () => {
      const res = await postSession(user.email, user.password);
      return t.app.inject({
        method: 'POST',
        url: '/v1/session/second-factor',
        headers: { cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}`, 'x-csrf-token': res.json().csrfToken },
        payload: { recoveryCode: recoveryCode.toUpperCase().replace(/-/g, ' ') },
      });
    };
    expect((await use()).statusCode).toBe(200);
    expect((await use()).statusCode).toBe(401);
  });

  it('needs a pending sign-in and exactly one factor', async () => {
    const session = await signUpAndSignIn(t.app);
    const noSession = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      payload: { code: '123456' },
    });
    expect(noSession.json().code).toBe('auth.required');
    const user = await createUser(t.app);
    const first = await postSession(user.email, user.password);
    const headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(t.app, first)}`,
      'x-csrf-token': first.json().csrfToken,
    };
    const both = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers,
      payload: { code: '123456', recoveryCode: 'abcd-efgh-jkmn-pqrs' },
    });
    expect(both.statusCode).toBe(400);
    const active = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: session.headers,
      payload: { code: '123456' },
    });
    expect(active.statusCode).toBe(401);
  });

  it('lets a pending sign-in expire after 15 minutes', async () => {
    const user = await createUser(t.app);
    const first = await postSession(user.email, user.password);
    t.clock.advance(15 * 60_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: {
        cookie: `gatehouse_session=${sessionTokenFrom(t.app, first)}`,
        'x-csrf-token': first.json().csrfToken,
      },
      payload: { code: await totpCode(t.app, user) },
    });
    expect(res.json().code).toBe('auth.required');
  });
});

describe('DELETE /v1/session', () => {
  it('signs out: the token stops working at once and the cookie is cleared', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/session', headers: session.headers });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'gatehouse_session')?.value).toBe('');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(401);
  });
});
