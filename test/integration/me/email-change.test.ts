import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';
import { mailsTo, tokenFromMail } from '../../support/mailbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const requestChange = (headers: Record<string, string>, newEmail: string) =>
  t.app.inject({ method: 'POST', url: '/v1/me/email-change', headers, payload: { newEmail, confirm: true } });
const confirmChange = (token: string) =>
  t.app.inject({ method: 'POST', url: '/v1/email-change/confirm', payload: { token } });

describe('email change', () => {
  it('mails a link to the new address; following it changes the address and tells the old one', async () => {
    const session = await signUpAndSignIn(t.app);
    const oldEmail = session.email;
    const res = await requestChange(session.headers, 'New.Address@Example.com');
    expect(res.statusCode).toBe(202);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).json().user.email).toBe(
      oldEmail,
    ); // not yet
    const token = await tokenFromMail(t.app, 'new.address@example.com', 'email_change_verify');
    expect((await confirmChange(token)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).json().user.email).toBe(
      'new.address@example.com',
    );
    expect(await mailsTo(t.app, oldEmail, 'email_change_notice')).toHaveLength(1);
    expect((await confirmChange(token)).json().code).toBe('token.invalid');
    const signInNew = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'new.address@example.com', password: session.password },
    });
    expect(signInNew.statusCode).toBe(200);
  });

  it('needs a fresh step-up and "confirm": true', async () => {
    const session = await signUpAndSignIn(t.app);
    t.clock.advance(6 * 60_000);
    expect((await requestChange(session.headers, 'x1@example.com')).json().code).toBe('auth.step_up_required');
    await stepUp(t.app, session);
    const noConfirm = await t.app.inject({
      method: 'POST',
      url: '/v1/me/email-change',
      headers: session.headers,
      payload: { newEmail: 'x1@example.com' },
    });
    expect(noConfirm.json().code).toBe('request.confirmation_required');
  });

  it('does not reveal that an address is taken, and cannot take it', async () => {
    const taken = await createUser(t.app);
    const session = await signUpAndSignIn(t.app);
    const res = await requestChange(session.headers, taken.email);
    expect(res.statusCode).toBe(202);
    expect(await mailsTo(t.app, taken.email, 'email_change_verify')).toHaveLength(0);
    await signIn(t.app, taken);
  });
});
