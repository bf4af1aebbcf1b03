import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { getMe } from '../../support/clients/me.js';
import { send } from '../../support/clients/request.js';
import { listSessions, revokeOtherSessions, revokeSession } from '../../support/clients/sessions.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/me', headers });
const minutes = (n: number) => n * 60_000;

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and, over plain-http development, without Secure or __Host-', async () => {
    const user = await createUser(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    const cookie = res.cookies.find((c) => c.name === 'gatehouse_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeUndefined();
    expect(cookie.domain).toBeUndefined();
    expect(cookie.maxAge).toBeUndefined();
  });

  it('is __Host-gatehouse_session and Secure when the service is served over https', async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://gatehouse.example' } });
    try {
      const user = await createUser(https.app);
      const res = await https.app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: user.email, password: user.password },
      });
      const cookie = res.cookies.find((c) => c.name === '__Host-gatehouse_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(cookie.domain).toBeUndefined();
    } finally {
      await https.close();
    }
  });
});

describe('timeouts (judged by the server clock)', () => {
  it('ends a session after 30 minutes idle, and keeps it alive while used', async () => {
    const session = await signUpAndSignIn(t.app);
    t.clock.advance(minutes(29));
    expect((await getMe(t.app, session)).status).toBe(200);
    t.clock.advance(minutes(29));
    expect((await getMe(t.app, session)).status).toBe(200);
    t.clock.advance(minutes(30));
    expect((await getMe(t.app, session)).status).toBe(401);
    // and it does not come back
    t.clock.advance(-minutes(30));
    expect((await getMe(t.app, session)).status).toBe(401);
    t.clock.advance(minutes(30));
  });

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const session = await signUpAndSignIn(t.app);
    for (let i = 0; i < 47; i++) {
      t.clock.advance(minutes(15));
      expect((await getMe(t.app, session)).status).toBe(200);
    }
    t.clock.advance(minutes(15)); // 12 h
    expect((await getMe(t.app, session)).status).toBe(401);
  });

  it('applies the strictest timeouts of the accounts where the user is an active member', async () => {
    const lax = await createUser(t.app, { account: { sessionIdleMinutes: 240, sessionAbsoluteHours: 48 } });
    const session = await signIn(t.app, lax);
    t.clock.advance(minutes(200));
    expect((await getMe(t.app, session)).status).toBe(200); // longer than the default 30 min

    const strict = await createUser(t.app, { account: { sessionIdleMinutes: 10, sessionAbsoluteHours: 1 } });
    await sql`insert into members (account_id, id, user_id, status, builtin_role) values (${strict.accountId!}, 'mem_strict', ${lax.userId}, 'active', 'view_only')`.execute(
      t.app.deps.database.db,
    );
    t.clock.advance(minutes(11));
    expect((await getMe(t.app, session)).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('is required on every state-changing request made with the session cookie', async () => {
    const session = await signUpAndSignIn(t.app);
    const attempts = [
      { method: 'PATCH' as const, url: '/v1/me', payload: { name: 'Mallory' } },
      { method: 'DELETE' as const, url: '/v1/me/sessions' },
      { method: 'POST' as const, url: '/v1/me/step-up', payload: { code: '123456' } },
      { method: 'DELETE' as const, url: '/v1/session' },
    ];
    for (const attempt of attempts) {
      for (const csrf of [undefined, 'wrong', session.csrf.slice(0, -1) + (session.csrf.endsWith('A') ? 'B' : 'A')]) {
        const res = await t.app.inject({
          ...attempt,
          headers: { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        });
        expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
        expect(res.json().code).toBe('auth.csrf');
      }
    }
    const body = (await me(session.headers)).json();
    expect(body.user.name).not.toBe('Mallory');
    expect(body.csrfToken).toBe(session.csrf);
  });

  it('is not needed to read, nor on sign-in and the anonymous reset routes', async () => {
    const session = await signUpAndSignIn(t.app);
    expect((await me({ cookie: session.cookie })).statusCode).toBe(200);
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { cookie: session.cookie },
      payload: { email: session.email, password: session.password },
    });
    expect(again.statusCode).toBe(200);
    const reset = await t.app.inject({
      method: 'POST',
      url: '/v1/password-reset',
      headers: { cookie: session.cookie },
      payload: { email: session.email },
    });
    expect(reset.statusCode).toBe(202);
  });

  it('is also required of a pending sign-in', async () => {
    const user = await createUser(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    const cookie = `gatehouse_session=${res.cookies.find((c) => c.name === 'gatehouse_session')!.value}`;
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: { cookie },
      payload: { code: '123456' },
    });
    expect(noCsrf.json().code).toBe('auth.csrf');
  });
});

describe('your sessions', () => {
  it('lists the live ones, marks the current, and revokes one or all the others', async () => {
    const user = await createUser(t.app);
    const laptop = await signIn(t.app, { ...user });
    const phone = await send(t.app, { headers: { 'user-agent': 'Phone/1.0' } }, 'POST', '/v1/session', {
      email: user.email,
      password: user.password,
    });
    expect(phone.status).toBe(200); // pending: not listed
    const tablet = await signIn(t.app, { ...user });

    const list = await listSessions(t.app, laptop);
    expect(list.status).toBe(200);
    const { items } = list.body;
    expect(items).toHaveLength(2);
    expect(items.filter((item) => item.current)).toHaveLength(1);
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^ses_/),
      current: expect.any(Boolean),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      ip: '127.0.0.1',
      userAgent: 'lightMyRequest',
    });
    expect(list.response.body).not.toContain(laptop.token);

    const tabletId = items.find((item) => !item.current)!.id;
    expect((await revokeSession(t.app, laptop, tabletId)).status).toBe(204);
    expect((await getMe(t.app, tablet)).status).toBe(401);

    // Another user's session id, or one that never existed: the same 204, and nothing happens.
    const stranger = await signUpAndSignIn(t.app);
    const strangerId = (await listSessions(t.app, stranger)).body.items[0].id;
    for (const id of [strangerId, 'ses_doesnotexist'])
      expect((await revokeSession(t.app, laptop, id)).status).toBe(204);
    expect((await getMe(t.app, stranger)).status).toBe(200);

    const third = await signIn(t.app, { ...user });
    expect((await revokeOtherSessions(t.app, laptop)).status).toBe(204);
    expect((await getMe(t.app, third)).status).toBe(401);
    expect((await getMe(t.app, laptop)).status).toBe(200);
  });

  it('updates last-seen at most once a minute', async () => {
    const session = await signUpAndSignIn(t.app);
    const lastSeen = async () =>
      (
        await sql<{ last_seen_at: Date }>`select last_seen_at from sessions where user_id = ${session.userId}`.execute(
          t.app.deps.database.db,
        )
      ).rows[0].last_seen_at.getTime();
    const start = await lastSeen();
    t.clock.advance(30_000);
    await getMe(t.app, session);
    expect(await lastSeen()).toBe(start);
    t.clock.advance(31_000);
    await getMe(t.app, session);
    expect(await lastSeen()).toBe(start + 61_000);
  });
});
