import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mySecurityEvents } from '../../support/clients/audit.js';
import { newRecoveryCodes } from '../../support/clients/me.js';
import { createUser, sessionTokenFrom, signIn, signUpAndSignIn, stepUp, totpCode } from '../../support/users.js';
import { postSessionFromFreshAddresses } from '../../support/sign-in-attempts.js';
import { useTestApp } from '../../support/use-test-app.js';

const t = useTestApp();
const postSession = postSessionFromFreshAddresses(t);

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

  it('logs a recovery code sent in `code` as a recovery code, wrong or right', async () => {
    const user = await createUser(t.app);
    const session = await stepUp(t.app, await signIn(t.app, user));
    const [recoveryCode] = (await newRecoveryCodes(t.app, session)).body.recoveryCodes;
    const secondFactor = async (code: string) => {
      const res = await postSession(user.email, user.password);
      return t.app.inject({
        method: 'POST',
        url: '/v1/session/second-factor',
        headers: { cookie: `gatehouse_session=${sessionTokenFrom(t.app, res)}`, 'x-csrf-token': res.json().csrfToken },
        payload: { code },
      });
    };
    expect((await secondFactor('aaaa-bbbb-cccc-dddd')).statusCode).toBe(401);
    expect((await secondFactor(recoveryCode)).statusCode).toBe(200);

    const events = (await mySecurityEvents(t.app, session, { limit: 100 })).body.items;
    expect(events.filter((event) => event.action === 'session.sign_in_failed').map((event) => event.after)).toEqual([
      { method: 'recovery_code' },
    ]);
    // Newest first: the sign-in with the recovery code, not the earlier one with TOTP.
    expect(events.find((event) => event.action === 'session.signed_in')?.after).toEqual({ method: 'recovery_code' });
    expect(events.map((event) => event.action)).toContain('two_factor.recovery_code_used');
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
