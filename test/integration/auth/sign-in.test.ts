import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createUser, sessionTokenFrom, signUpAndSignIn } from '../../support/users.js';
import { postSessionFromFreshAddresses } from '../../support/sign-in-attempts.js';
import { useTestApp } from '../../support/use-test-app.js';

const t = useTestApp();
const postSession = postSessionFromFreshAddresses(t);

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

describe('DELETE /v1/session', () => {
  it('signs out: the token stops working at once and the cookie is cleared', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/session', headers: session.headers });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'gatehouse_session')?.value).toBe('');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(401);
  });
});
