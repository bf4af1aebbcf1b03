import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, sessionTokenFrom, signIn, signUpAndSignIn, totpCode } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let ipCounter = 0;
const freshIp = () => `10.2.0.${++ipCounter}`;

const signInAttempt = (email: string, password: string, remoteAddress = freshIp()) =>
  t.app.inject({ method: 'POST', url: '/v1/session', payload: { email, password }, remoteAddress });

/** The back-off the policy imposes after `failures` failures (5 free, then 1 s, 2 s, 4 s… at most 15 min). */
const backoffMs = (failures: number) => (failures < 5 ? 0 : Math.min(900, 2 ** (failures - 5)) * 1000);

describe('brute-force protection', () => {
  it('backs off exponentially after 5 failures, with Retry-After; a refused attempt counts and doubles the wait', async () => {
    const user = await createUser(t.app);
    for (let i = 0; i < 5; i++) expect((await signInAttempt(user.email, `wrong ${i}`)).statusCode).toBe(401);
    const refused = await signInAttempt(user.email, user.password);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('auth.locked');
    expect(refused.headers['retry-after']).toBe('2'); // 1 s after the fifth failure, 2 s now that the refusal counted
    t.clock.advance(2000);
    expect((await signInAttempt(user.email, 'wrong 6')).statusCode).toBe(401);
    expect((await signInAttempt(user.email, user.password)).headers['retry-after']).toBe('8'); // 7 failures: 4 s; refused: 8 s
    t.clock.advance(8000);
    expect((await signInAttempt(user.email, user.password)).statusCode).toBe(200);
  });

  it('locks an address after 20 failures, answering alike whether or not it has a user', async () => {
    const user = await createUser(t.app);
    const unknown = 'no-such-user@example.com';
    for (let i = 0; i < 20; i++) {
      t.clock.advance(backoffMs(i));
      for (const email of [user.email, unknown])
        expect((await signInAttempt(email, `wrong ${i}`)).statusCode).toBe(401);
    }
    t.clock.advance(16 * 60_000); // longer than any back-off: what remains is the lock
    const locked = await signInAttempt(user.email, user.password);
    const lockedUnknown = await signInAttempt(unknown, 'anything at all');
    for (const res of [locked, lockedUnknown]) {
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('auth.locked');
      expect(res.json().detail).toMatch(/^Too many failed attempts; try again in \d+ seconds$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    t.clock.advance(60 * 60_000); // the lock ends an hour after the last failure
    expect((await signInAttempt(user.email, user.password)).statusCode).toBe(200);
  });

  it('counts passwords, TOTP and recovery codes together across sign-in, second factor, step-up and password change', async () => {
    // The attacker knows the password and holds a live session of the victim (idle timeout
    // raised so that the session outlives the back-offs).
    const victim = await signUpAndSignIn(t.app, { account: { sessionIdleMinutes: 1440, sessionAbsoluteHours: 720 } });
    const ip = freshIp();
    let failures = 0;
    const counted = async (attempt: () => Promise<{ statusCode: number; body: string }>, wait = true) => {
      if (wait) t.clock.advance(backoffMs(failures));
      const res = await attempt();
      expect(res.statusCode, res.body).toBe(401);
      failures++;
    };
    const pendingHeaders = async () => {
      t.clock.advance(backoffMs(failures));
      const res = await signInAttempt(victim.email, victim.password, ip); // right password: neither counted nor forgiving
      expect(res.statusCode, res.body).toBe(200);
      return {
        cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}`,
        'x-csrf-token': res.json().csrfToken as string,
      };
    };
    const secondFactor = (payload: object) => async () => {
      const headers = await pendingHeaders();
      await counted(
        () => t.app.inject({ method: 'POST', url: '/v1/session/second-factor', headers, payload, remoteAddress: ip }),
        false,
      );
    };
    const kinds = [
      secondFactor({ code: '000000' }),
      secondFactor({ recoveryCode: 'aaaa-bbbb-cccc-dddd' }),
      () => counted(() => signInAttempt(victim.email, 'wrong password', ip)),
      () =>
        counted(() =>
          t.app.inject({
            method: 'POST',
            url: '/v1/me/step-up',
            headers: victim.headers,
            payload: { code: '000000' },
            remoteAddress: ip,
          }),
        ),
      () =>
        counted(() =>
          t.app.inject({
            method: 'POST',
            url: '/v1/me/step-up',
            headers: victim.headers,
            payload: { recoveryCode: 'aaaa-bbbb-cccc-dddd' },
            remoteAddress: ip,
          }),
        ),
      () =>
        counted(() =>
          t.app.inject({
            method: 'PUT',
            url: '/v1/me/password',
            headers: victim.headers,
            payload: { currentPassword: 'guess', newPassword: 'a brand new passphrase' },
            remoteAddress: ip,
          }),
        ),
    ];
    for (let i = 0; failures < 20; i++) await kinds[i % kinds.length]();

    t.clock.advance(16 * 60_000);
    expect((await signInAttempt(victim.email, victim.password)).statusCode).toBe(429);
    const stepUp = await t.app.inject({
      method: 'POST',
      url: '/v1/me/step-up',
      headers: victim.headers,
      payload: { code: await totpCode(t.app, victim) },
    });
    expect(stepUp.statusCode).toBe(429);
  });

  it('cannot be dodged with parallel guesses: attempts are counted before they are verified', async () => {
    const user = await createUser(t.app);
    const ip = freshIp();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signInAttempt(user.email, `parallel guess ${i}`, ip)),
    );
    expect(answers.filter((res) => res.statusCode === 401)).toHaveLength(5); // the rest met the back-off
    expect(answers.filter((res) => res.statusCode === 429)).toHaveLength(35);
  });

  it('also throttles by IP: one client spraying a password over many addresses', async () => {
    const ip = freshIp();
    const answers: number[] = [];
    for (let i = 0; i < 25; i++)
      answers.push((await signInAttempt(`spray-${i}@example.com`, 'Summer2026!', ip)).statusCode);
    expect(answers.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(answers.slice(20)).toContain(429);
  });

  it('forgives the address after a complete sign-in, and lets the code follow a right password at once', async () => {
    const user = await createUser(t.app);
    for (let i = 0; i < 4; i++) await signInAttempt(user.email, `wrong ${i}`);
    await signIn(t.app, user); // password (refunded) then code, with no wait in between
    for (let i = 0; i < 5; i++) expect((await signInAttempt(user.email, `wrong again ${i}`)).statusCode).toBe(401);
  });
});
