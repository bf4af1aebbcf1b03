import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import {
  confirmTotpEnrolment,
  disableTotp,
  getMe,
  newRecoveryCodes,
  startTotpEnrolment,
  stepUpWith,
} from '../../support/clients/me.js';
import { anonymous, send } from '../../support/clients/request.js';
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
  const started = await startTotpEnrolment(t.app, pending);
  expect(started.status).toBe(200);
  user.totpSecret = seedOf(started.body.otpauthUri);
  const confirmed = await confirmTotpEnrolment(t.app, pending, await totpCode(t.app, user));
  return { pending, started, confirmed };
}

describe('TOTP enrolment', () => {
  it('is all a user without 2FA can do after the password, and it completes the sign-in', async () => {
    const user = await createUser(t.app, { totp: false, account: true });
    const pending = await signIn(t.app, user);
    expect((await getMe(t.app, pending)).code).toBe('auth.enrolment_required');
    const { started, confirmed } = await enrolWhileSigningIn(user);
    expect(started.body).toEqual({
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\/Gatehouse:/),
      qrCodeSvg: expect.stringContaining('<svg'),
    });
    expect(confirmed.status).toBe(200);
    const body = confirmed.body;
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    for (const code of body.recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const token = sessionTokenFrom(t.app, confirmed.response)!;
    expect(token).not.toBe(pending.token);
    const me = await getMe(t.app, { headers: { cookie: `gatehouse_session=${token}` } });
    expect(me.status).toBe(200);
    expect(me.body.user.twoFactorEnabled).toBe(true);
    expect(me.body.csrfToken).toBe(body.csrfToken);
    // The pending token died with the rotation.
    expect((await startTotpEnrolment(t.app, pending)).status).toBe(401);
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
    for (const code of confirmed.body.recoveryCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
    for (const row of codes.rows) expect(row.code_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong code, and the code that confirmed enrolment cannot sign in again', async () => {
    const user = await createUser(t.app, { totp: false });
    const pending = await signIn(t.app, user);
    const started = await startTotpEnrolment(t.app, pending);
    user.totpSecret = seedOf(started.body.otpauthUri);
    expect((await confirmTotpEnrolment(t.app, pending, '000000')).code).toBe('auth.invalid_code');
    const code = await totpCode(t.app, user);
    expect((await confirmTotpEnrolment(t.app, pending, code)).status).toBe(200);
    const again = await send<{ csrfToken: string }>(t.app, anonymous, 'POST', '/v1/session', {
      email: user.email,
      password: user.password,
    });
    const secondStep = {
      headers: {
        cookie: `gatehouse_session=${sessionTokenFrom(t.app, again.response)}`,
        'x-csrf-token': again.body.csrfToken,
      },
    };
    const replay = await send(t.app, secondStep, 'POST', '/v1/session/second-factor', { code });
    expect(replay.code).toBe('auth.invalid_code');
  });

  it('cannot start over while TOTP is on', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await startTotpEnrolment(t.app, session);
    expect([res.status, res.code]).toEqual([409, 'two_factor.already_enrolled']);
  });

  it('lets a user who signed in without 2FA enrol later', async () => {
    const user = await createUser(t.app, { totp: false, account: { requireTwoFactor: false } });
    const session = await signIn(t.app, user);
    expect(session.next).toBe('done');
    const started = await startTotpEnrolment(t.app, session);
    user.totpSecret = seedOf(started.body.otpauthUri);
    const confirmed = await confirmTotpEnrolment(t.app, session, await totpCode(t.app, user));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.csrfToken).toBeUndefined();
    expect((await signIn(t.app, user)).next).toBe('done'); // helper finished the second factor
  });
});

describe('2FA reset and recovery codes', () => {
  it('DELETE /v1/me/totp (step-up + confirm) removes 2FA, ends the other sessions, and the next sign-in must enrol', async () => {
    const user = await createUser(t.app);
    const other = await signIn(t.app, { ...user });
    const session = await signIn(t.app, { ...user });
    await stepUp(t.app, session);
    expect((await disableTotp(t.app, session)).status).toBe(204);
    expect((await getMe(t.app, other)).status).toBe(401);
    expect((await getMe(t.app, session)).body.user.twoFactorEnabled).toBe(false);
    const again = await send<{ next: string }>(t.app, anonymous, 'POST', '/v1/session', {
      email: user.email,
      password: user.password,
    });
    expect(again.body.next).toBe('enrol_totp');
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from recovery_codes where user_id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(rows[0].n).toBe(0);
  });

  it('POST /v1/me/recovery-codes replaces the codes: the old ones stop working', async () => {
    const user = await createUser(t.app, { totp: false });
    const { confirmed } = await enrolWhileSigningIn(user);
    const oldCode = confirmed.body.recoveryCodes[0];
    const session = await signIn(t.app, user);
    const res = await newRecoveryCodes(t.app, session);
    expect(res.status).toBe(200);
    const fresh = res.body.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(oldCode);
    expect((await stepUpWith(t.app, session, { recoveryCode: oldCode })).code).toBe('auth.invalid_code');
    expect((await stepUpWith(t.app, session, { code: fresh[0] })).status).toBe(200);
  });
});
