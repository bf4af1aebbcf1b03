import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { sessionTokenFrom, signUpAndSignIn, stepUp, totpCode } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const minutes = (n: number) => n * 60_000;

describe('step-up', () => {
  it('is fresh right after a sign-in with a second factor, and expires 5 minutes later', async () => {
    const session = await signUpAndSignIn(t.app);
    const regenerate = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/me/recovery-codes',
        headers: session.headers,
        payload: { confirm: true },
      });
    expect((await regenerate()).statusCode).toBe(200);
    t.clock.advance(minutes(5) + 1000);
    const stale = await regenerate();
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('auth.step_up_required');
  });

  it('POST /v1/me/step-up records a second factor for 5 minutes and issues a new token', async () => {
    const session = await signUpAndSignIn(t.app);
    t.clock.advance(minutes(10));
    const oldHeaders = { ...session.headers };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: session.headers,
      payload: { code: await totpCode(t.app, session) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      csrfToken: expect.any(String),
      expiresAt: new Date(t.clock.now().getTime() + minutes(5)).toISOString(),
    });
    // The old token is dead; the new one carries the step-up for five minutes.
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: oldHeaders })).statusCode).toBe(401);
    const headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}`,
      'x-csrf-token': res.json().csrfToken,
    };
    const regenerate = () =>
      t.app.inject({ method: 'POST', url: '/v1/me/recovery-codes', headers, payload: { confirm: true } });
    t.clock.advance(minutes(4));
    expect((await regenerate()).statusCode).toBe(200);
    t.clock.advance(minutes(1) + 1000);
    expect((await regenerate()).json().code).toBe('auth.step_up_required');
  });

  it('can be repeated whenever the window has passed', async () => {
    const session = await signUpAndSignIn(t.app);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(minutes(6));
      await stepUp(t.app, session);
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/v1/me/recovery-codes',
            headers: session.headers,
            payload: { confirm: true },
          })
        ).statusCode,
      ).toBe(200);
    }
  });

  it('refuses a wrong or replayed code', async () => {
    const session = await signUpAndSignIn(t.app);
    const code = await totpCode(t.app, session);
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: session.headers,
      payload: { code },
    });
    expect(first.statusCode).toBe(200);
    const headers = {
      cookie: `gatehouse_session=${first.cookies.find((c) => c.name === 'gatehouse_session')!.value}`,
      'x-csrf-token': first.json().csrfToken,
    };
    const replay = await t.app.inject({ method: 'POST', url: '/v1/me/step-up', headers, payload: { code } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('auth.invalid_code');
  });

  it('needs "confirm": true on sensitive routes, after the step-up check', async () => {
    const session = await signUpAndSignIn(t.app);
    const noConfirm = await t.app.inject({ method: 'DELETE', url: '/v1/me/totp', headers: session.headers });
    expect(noConfirm.statusCode).toBe(400);
    expect(noConfirm.json().code).toBe('request.confirmation_required');
    const falseConfirm = await t.app.inject({
      method: 'POST',
      url: '/v1/me/recovery-codes',
      headers: session.headers,
      payload: { confirm: false },
    });
    expect(falseConfirm.json().code).toBe('request.confirmation_required');
    t.clock.advance(minutes(6));
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/me/totp', headers: session.headers })).json().code).toBe(
      'auth.step_up_required',
    );
    const email = await t.app.inject({
      method: 'POST',
      url: '/v1/me/email-change',
      headers: session.headers,
      payload: { newEmail: 'new@example.com', confirm: true },
    });
    expect(email.json().code).toBe('auth.step_up_required');
  });
});
