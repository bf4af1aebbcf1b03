import { sql } from 'kysely';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, sessionTokenFrom, signIn, totpCode, type TestUser } from '../../support/users.js';
import { linkIn, mailsTo } from '../../support/mailbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let ipCounter = 0;
const freshIp = () => `10.3.0.${++ipCounter}`;

const signInAttempt = (email: string, password: string, remoteAddress = freshIp()) =>
  t.app.inject({ method: 'POST', url: '/v1/session', payload: { email, password }, remoteAddress });

/** The security log rows about this user, in the user's chain and in the account's. */
async function eventsOf(user: TestUser) {
  await t.app.deps.refusals.flush(true);
  const { rows } = await sql<{
    account_id: string | null;
    action: string;
    outcome: string;
    error_code: string | null;
    count: number;
    after: Record<string, unknown> | null;
  }>`
    select account_id, action, outcome, error_code, count, after from security_events
     where target_id in (${user.userId}, ${user.memberId!}) order by seq`.execute(t.app.deps.database.db);
  return rows;
}

describe('a lockout the person can see', () => {
  it('25 quick wrong passwords: every attempt logged (refusals collapsed), back-off and lock are events, one mail whose reset link ends the lock', async () => {
    const user = await createUser(t.app, { account: true });
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await signInAttempt(user.email, `wrong guess ${i}`, ip)).statusCode);
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(20).fill(429)]);

    // The 20th attempt (the 15th refused) locked the address: the back-off's longest wait is
    // over, the right password is still refused.
    t.clock.advance(16 * 60_000);
    const locked = await signInAttempt(user.email, user.password, ip);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(40 * 60);

    const events = await eventsOf(user);
    for (const accountId of [null, user.accountId]) {
      const chain = events.filter((event) => event.account_id === accountId);
      const of = (action: string, outcome: string) =>
        chain.filter((event) => event.action === action && event.outcome === outcome);
      expect(of('session.sign_in_failed', 'failure')).toHaveLength(5);
      expect(of('session.backoff_started', 'failure')).toHaveLength(1);
      const refused = of('session.sign_in_failed', 'refused');
      expect(refused.every((event) => event.error_code === 'auth.locked')).toBe(true);
      expect(refused.reduce((sum, event) => sum + event.count, 0)).toBe(21); // 20 quick ones and the late right password
      expect(refused.length).toBeLessThanOrEqual(3); // collapsed: the first at once, then a tally per minute
      expect(of('session.locked_out', 'failure')).toEqual([
        expect.objectContaining({ after: expect.objectContaining({ failures: 20 }) }),
      ]);
    }

    const lockMails = await mailsTo(t.app, user.email, 'security_sign_in_locked');
    expect(lockMails).toHaveLength(1);
    expect(lockMails[0].text).toContain('After 20 failed sign-in attempts');
    expect(lockMails[0].text).toContain(ip);

    // The link in that mail resets the password and ends the lock; the second factor is still asked.
    const token = linkIn(lockMails[0].text)?.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reset = await t.app.inject({
      method: 'POST',
      url: '/v1/password-reset/confirm',
      payload: { token, newPassword: 'a fresh passphrase after the lock' },
      remoteAddress: freshIp(),
    });
    expect(reset.statusCode, reset.body).toBe(204);
    const after = await signIn(t.app, { ...user, password: 'a fresh passphrase after the lock' });
    expect(after.next).toBe('done');
    expect(await mailsTo(t.app, user.email, 'security_sign_in_locked')).toHaveLength(1);
  });

  it('mails once per lock, however many refused attempts follow, including parallel ones', async () => {
    const user = await createUser(t.app, { account: true });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signInAttempt(user.email, `parallel guess ${i}`)),
    );
    expect(answers.filter((res) => res.statusCode === 401)).toHaveLength(5);
    for (let i = 0; i < 10; i++) expect((await signInAttempt(user.email, `more ${i}`)).statusCode).toBe(429);
    expect(await mailsTo(t.app, user.email, 'security_sign_in_locked')).toHaveLength(1);
    expect(
      (await eventsOf(user)).filter((event) => event.action === 'session.locked_out' && event.account_id === null),
    ).toHaveLength(1);
  });
});

/** Six-digit codes the server will not accept for this user now (none within ±1 step of the clock). */
async function wrongCodes(user: TestUser, count: number): Promise<string[]> {
  const step = Math.floor(t.app.deps.clock.now().getTime() / 30_000);
  const valid = new Set(
    await Promise.all(
      [-1, 0, 1, 2].map((offset) => generate({ secret: user.totpSecret!, epoch: (step + offset) * 30 })),
    ),
  );
  const codes: string[] = [];
  for (let n = 100_000; codes.length < count; n += 7919) if (!valid.has(String(n))) codes.push(String(n));
  return codes;
}

/** The password step only: headers of the pending sign-in. */
async function pendingSignIn(user: TestUser) {
  const res = await signInAttempt(user.email, user.password);
  expect(res.json().next).toBe('second_factor');
  return {
    cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}`,
    'x-csrf-token': res.json().csrfToken as string,
  };
}

const secondFactor = (headers: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/v1/session/second-factor', headers, payload, remoteAddress: freshIp() });

describe('a sign-in challenge has its own cap', () => {
  it('ends the pending sign-in at the fifth wrong code: the right code then fails, the password starts again', async () => {
    const user = await createUser(t.app);
    const headers = await pendingSignIn(user);
    const codes = await wrongCodes(user, 4);
    for (const code of codes) expect((await secondFactor(headers, { code })).json().code).toBe('auth.invalid_code');
    const fifth = await secondFactor(headers, { recoveryCode: 'aaaa-bbbb-cccc-dddd' });
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json().code).toBe('auth.challenge_expired');

    t.clock.advance(1000); // past the address's back-off (5 failures): only the cap stands in the way
    const right = await secondFactor(headers, { code: await totpCode(t.app, user) });
    expect(right.statusCode).toBe(401);
    expect(sessionTokenFrom(t.app, right)).toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers })).statusCode).toBe(401);

    t.clock.advance(2000);
    expect((await signIn(t.app, user)).next).toBe('done');
  });

  it('holds against a 20-way parallel burst of wrong codes followed by the right code', async () => {
    const user = await createUser(t.app);
    const headers = await pendingSignIn(user);
    const codes = await wrongCodes(user, 18);
    const burst = await Promise.all([
      ...codes.map((code) => secondFactor(headers, { code })),
      secondFactor(headers, { recoveryCode: 'aaaa-bbbb-cccc-dddd' }),
      secondFactor(headers, { code: 'zzzz-yyyy-xxxx-wwww' }),
    ]);
    expect(burst.map((res) => res.statusCode)).toEqual(Array<number>(20).fill(401));
    // Exactly five tries were verified; the fifth wrong one and every try past the cap ended
    // the sign-in (a try that arrived after the session was gone finds no sign-in at all).
    const byCode = burst.map((res) => res.json().code as string);
    expect(byCode.filter((code) => code === 'auth.invalid_code')).toHaveLength(4);
    expect(byCode.filter((code) => code === 'auth.challenge_expired').length).toBeGreaterThanOrEqual(1);
    expect(
      byCode
        .filter((code) => code !== 'auth.invalid_code')
        .every((code) => code === 'auth.challenge_expired' || code === 'auth.required'),
    ).toBe(true);

    t.clock.advance(1000);
    const right = await secondFactor(headers, { code: await totpCode(t.app, user) });
    expect(right.statusCode).toBe(401);
    expect(sessionTokenFrom(t.app, right)).toBeUndefined();
    const { rows } = await sql`select 1 from sessions where user_id = ${user.userId}`.execute(t.app.deps.database.db);
    expect(rows).toHaveLength(0);
  });
});
