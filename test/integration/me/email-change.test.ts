import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { confirmEmailChange, getMe, requestEmailChange } from '../../support/clients/me.js';
import { anonymous, send } from '../../support/clients/request.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession } from '../../support/users.js';
import { mailsTo, tokenFromMail } from '../../support/mailbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const emailOf = async (session: TestSession) => (await getMe(t.app, session)).body.user.email;

describe('email change', () => {
  it('mails a link to the new address; following it changes the address and tells the old one', async () => {
    const session = await signUpAndSignIn(t.app);
    const oldEmail = session.email;
    expect((await requestEmailChange(t.app, session, 'New.Address@Example.com')).status).toBe(202);
    expect(await emailOf(session)).toBe(oldEmail); // not yet
    const token = await tokenFromMail(t.app, 'new.address@example.com', 'email_change_verify');
    expect((await confirmEmailChange(t.app, token)).status).toBe(204);
    expect(await emailOf(session)).toBe('new.address@example.com');
    expect(await mailsTo(t.app, oldEmail, 'email_change_notice')).toHaveLength(1);
    expect((await confirmEmailChange(t.app, token)).code).toBe('token.invalid');
    const signInNew = await send(t.app, anonymous, 'POST', '/v1/session', {
      email: 'new.address@example.com',
      password: session.password,
    });
    expect(signInNew.status).toBe(200);
  });

  it('needs a fresh step-up and "confirm": true', async () => {
    const session = await signUpAndSignIn(t.app);
    t.clock.advance(6 * 60_000);
    expect((await requestEmailChange(t.app, session, 'x1@example.com')).code).toBe('auth.step_up_required');
    await stepUp(t.app, session);
    const noConfirm = await requestEmailChange(t.app, session, 'x1@example.com', false);
    expect(noConfirm.code).toBe('request.confirmation_required');
    expect(await mailsTo(t.app, 'x1@example.com', 'email_change_verify')).toHaveLength(0);
  });

  it('does not reveal that an address is taken, and cannot take it', async () => {
    const taken = await createUser(t.app);
    const session = await signUpAndSignIn(t.app);
    expect((await requestEmailChange(t.app, session, taken.email)).status).toBe(202);
    expect(await mailsTo(t.app, taken.email, 'email_change_verify')).toHaveLength(0);
    await signIn(t.app, taken);
  });
});
