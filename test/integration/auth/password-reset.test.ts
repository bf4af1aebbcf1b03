import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newSecretToken } from '../../../src/shared/tokens.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';
import { tokenFromMail } from '../../support/mailbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const requestReset = (email: string) => t.app.inject({ method: 'POST', url: '/v1/password-reset', payload: { email } });
const confirmReset = (token: string, newPassword: string) =>
  t.app.inject({ method: 'POST', url: '/v1/password-reset/confirm', payload: { token, newPassword } });

describe('POST /v1/password-reset', () => {
  it('answers the same whether or not the address has a user, and mails a link only to a user', async () => {
    const user = await createUser(t.app);
    const known = await requestReset(` ${user.email.toUpperCase()}`);
    const unknown = await requestReset('nobody-at-all@example.com');
    for (const res of [known, unknown]) {
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('{}');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await tokenFromMail(t.app, user.email, 'password_reset')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await sql<{
      token_hash: Buffer;
    }>`select token_hash from password_reset_tokens where user_id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(rows).toHaveLength(1);
    expect(
      Buffer.from(rows[0].token_hash).equals(hashToken(await tokenFromMail(t.app, user.email, 'password_reset'))),
    ).toBe(true);
  });
});

describe('POST /v1/password-reset/confirm', () => {
  it('sets the new password, ends every session, signs nobody in, and still asks for the second factor', async () => {
    const user = await createUser(t.app);
    const session = await signIn(t.app, { ...user });
    await requestReset(user.email);
    const token = await tokenFromMail(t.app, user.email, 'password_reset');

    const res = await confirmReset(token, 'a whole new passphrase');
    expect(res.statusCode).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(401);

    const signInAgain = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: 'a whole new passphrase' },
    });
    expect(signInAgain.json().next).toBe('second_factor'); // the reset did not bypass 2FA
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/session',
          payload: { email: user.email, password: user.password },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('works once, for 30 minutes, and a newer link replaces an older one', async () => {
    const user = await createUser(t.app);
    await requestReset(user.email);
    const token = await tokenFromMail(t.app, user.email, 'password_reset');
    expect((await confirmReset(token, 'first new passphrase')).statusCode).toBe(204);
    const reuse = await confirmReset(token, 'second new passphrase');
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().code).toBe('token.invalid');

    t.clock.advance(2 * 60_000);
    await requestReset(user.email);
    const older = await tokenFromMail(t.app, user.email, 'password_reset');
    t.clock.advance(2 * 60_000);
    await requestReset(user.email);
    const newer = await tokenFromMail(t.app, user.email, 'password_reset');
    expect(newer).not.toBe(older);
    expect((await confirmReset(older, 'third new passphrase')).json().code).toBe('token.invalid');
    t.clock.advance(30 * 60_000);
    expect((await confirmReset(newer, 'third new passphrase')).json().code).toBe('token.invalid');
  });

  it('refuses a weak password and leaves the link usable', async () => {
    const user = await createUser(t.app, { email: 'margaret.h@example.com' });
    await requestReset(user.email);
    const token = await tokenFromMail(t.app, user.email, 'password_reset');
    const weak = await confirmReset(token, 'iloveyou');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'password.too_weak', errors: [{ field: 'body/newPassword' }] });
    expect((await confirmReset(token, 'a fine new passphrase')).statusCode).toBe(204);
  });

  it('refuses tokens it never issued', async () => {
    expect((await confirmReset(newSecretToken(), 'a fine new passphrase')).json().code).toBe('token.invalid');
  });

  it('mails one link a minute at most', async () => {
    const session = await signUpAndSignIn(t.app);
    await requestReset(session.email);
    const first = await tokenFromMail(t.app, session.email, 'password_reset');
    await requestReset(session.email);
    expect(await tokenFromMail(t.app, session.email, 'password_reset')).toBe(first);
  });
});

describe('the email-address rule for new passwords', () => {
  async function linkFor(email: string) {
    const user = await createUser(t.app, { email });
    await requestReset(user.email);
    return tokenFromMail(t.app, user.email, 'password_reset');
  }

  it('lets a password contain a short local part ("pat", "dev", "staff"), an ordinary word', async () => {
    expect((await confirmReset(await linkFor('pat@short.example.com'), 'compatible pattern of naps')).statusCode).toBe(
      204,
    );
    expect((await confirmReset(await linkFor('dev@short.example.com'), 'devoted developer at heart')).statusCode).toBe(
      204,
    );
    expect((await confirmReset(await linkFor('staff@short.example.com'), 'staffing the night shift')).statusCode).toBe(
      204,
    );
  });

  it('refuses the whole address, naming it', async () => {
    const token = await linkFor('pat@whole.example.com');
    const res = await confirmReset(token, 'login: PAT@whole.example.com');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'password.too_weak',
      errors: [{ field: 'body/newPassword', message: 'must not contain your email address' }],
    });
    expect((await confirmReset(token, 'an unrelated passphrase')).statusCode).toBe(204);
  });

  it('refuses a local part of 6+ characters (with or without its +tag), naming what matched', async () => {
    const token = await linkFor('patricia.k+gatehouse@example.org');
    for (const [password, part] of [
      ['Patricia.K loves green tea', 'patricia.k'],
      ['patricia.k+gatehouse 2026', 'patricia.k+gatehouse'],
    ]) {
      const res = await confirmReset(token, password);
      expect(res.statusCode, password).toBe(400);
      const body = res.json();
      expect(body.errors).toEqual([
        {
          field: 'body/newPassword',
          message: `must not contain "${part}", the part of your email address before the @`,
        },
      ]);
      expect(body.detail).toContain(`"${part}"`);
    }
    expect((await confirmReset(await linkFor('marisa@six.example.com'), 'marisa in the morning')).json().code).toBe(
      'password.too_weak',
    );
  });
});
