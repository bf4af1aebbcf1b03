import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import {
  createUser,
  sessionTokenFrom,
  signIn,
  signUpAndSignIn,
  stepUp,
  totpCode,
  type TestUser,
} from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const seedOf = (otpauthUri: string) => new URL(otpauthUri).searchParams.get('secret');

async function enrolWhileSigningIn(user: TestUser) {
  const pending = await signIn(t.app, user);
  expect(pending.next).toBe('enrol_totp');
  const started = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: pending.headers });
  expect(started.statusCode).toBe(200);
  user.totpSecret = seedOf(started.json().otpauthUri);
  const confirmed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/totp/confirm',
    headers: pending.headers,
    payload: { code: await totpCode(t.app, user) },
  });
  return { pending, started, confirmed };
}

describe('TOTP enrolment', () => {
  it('is all a user without 2FA can do after the password, and it completes the sign-in', async () => {
    const user = await createUser(t.app, { totp: false, account: true });
    const pending = await signIn(t.app, user);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: pending.headers })).json().code).toBe(
      'auth.enrolment_required',
    );
    const { started, confirmed } = await enrolWhileSigningIn(user);
    expect(started.json()).toEqual({
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\/Gatehouse:/),
      qrCodeSvg: expect.stringContaining('<svg'),
    });
    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json();
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    for (const code of body.recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const token = sessionTokenFrom(t.app, confirmed)!;
    expect(token).not.toBe(pending.token);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: `gatehouse_session=${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.twoFactorEnabled).toBe(true);
    expect(me.json().csrfToken).toBe(body.csrfToken);
    // The pending token died with the rotation.
    expect((await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: pending.headers })).statusCode).toBe(401);
  });

  it('stores the seed encrypted and the recovery codes hashed', async () => {
    const user = await createUser(t.app, { totp: false });
    const { confirmed } = await enrolWhileSigningIn(user);
    const { rows } = await sql<{ totp_secret_encrypted: string; totp_pending_secret_encrypted: string | null }>`
      select totp_secret_encrypted, totp_pending_secret_encrypted from users where id = ${user.userId}`.execute(
      t.app.deps.database.db,
    );
    expect(rows[0].totp_secret_encrypted).not.toContain(user.totpSecret!);
    expect(rows[0].totp_pending_secret_encrypted).toBeNull();
    const codes = await sql<{
      locator: string;
      code_hash: string;
    }>`select locator, code_hash from recovery_codes where user_id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(codes.rows).toHaveLength(10);
    const stored = JSON.stringify(codes.rows);
    for (const code of confirmed.json().recoveryCodes as string[]) expect(stored).not.toContain(code.replace(/-/g, ''));
    for (const row of codes.rows) expect(row.code_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong code, and the code that confirmed enrolment cannot sign in again', async () => {
    const user = await createUser(t.app, { totp: false });
    const pending = await signIn(t.app, user);
    const started = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: pending.headers });
    user.totpSecret = seedOf(started.json().otpauthUri);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/v1/me/totp/confirm',
      headers: pending.headers,
      payload: { code: '000000' },
    });
    expect(wrong.json().code).toBe('auth.invalid_code');
    const code = await totpCode(t.app, user);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/me/totp/confirm', headers: pending.headers, payload: { code } }))
        .statusCode,
    ).toBe(200);
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    const replay = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: {
        cookie: `gatehouse_session=${sessionTokenFrom(t.app, again)}`,
        'x-csrf-token': again.json().csrfToken,
      },
      payload: { code },
    });
    expect(replay.json().code).toBe('auth.invalid_code');
  });

  it('cannot start over while TOTP is on', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: session.headers });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('two_factor.already_enrolled');
  });

  it('lets a user who signed in without 2FA enrol later', async () => {
    const user = await createUser(t.app, { totp: false, account: { requireTwoFactor: false } });
    const session = await signIn(t.app, user);
    expect(session.next).toBe('done');
    const started = await t.app.inject({ method: 'POST', url: '/v1/me/totp', headers: session.headers });
    user.totpSecret = seedOf(started.json().otpauthUri);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/v1/me/totp/confirm',
      headers: session.headers,
      payload: { code: await totpCode(t.app, user) },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().csrfToken).toBeUndefined();
    expect((await signIn(t.app, user)).next).toBe('done'); // helper finished the second factor
  });
});

describe('2FA reset and recovery codes', () => {
  it('DELETE /v1/me/totp (step-up + confirm) removes 2FA, ends the other sessions, and the next sign-in must enrol', async () => {
    const user = await createUser(t.app);
    const other = await signIn(t.app, { ...user });
    const session = await signIn(t.app, { ...user });
    await stepUp(t.app, session);
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/v1/me/totp',
      headers: session.headers,
      payload: { confirm: true },
    });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: other.headers })).statusCode).toBe(401);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers });
    expect(me.json().user.twoFactorEnabled).toBe(false);
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    expect(again.json().next).toBe('enrol_totp');
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from recovery_codes where user_id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(rows[0].n).toBe(0);
  });

  it('POST /v1/me/recovery-codes replaces the codes: the old ones stop working', async () => {
    const user = await createUser(t.app, { totp: false });
    const { confirmed } = await enrolWhileSigningIn(user);
    const oldCode = (confirmed.json().recoveryCodes as string[])[0];
    const session = await signIn(t.app, user);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/recovery-codes',
      headers: session.headers,
      payload: { confirm: true },
    });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(oldCode);
    const useOld = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: session.headers,
      payload: { recoveryCode: oldCode },
    });
    expect(useOld.json().code).toBe('auth.invalid_code');
    const useNew = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: session.headers,
      payload: { code: fresh[0] },
    });
    expect(useNew.statusCode).toBe(200);
  });
});
