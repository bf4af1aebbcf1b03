import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /v1/me', () => {
  it('returns the user, every live membership with its role, and the CSRF token', async () => {
    const owner = await signUpAndSignIn(t.app, { name: 'Ana Owner', account: { name: 'Acme Payments' } });
    const member = await createUser(t.app, {
      name: 'Bo Member',
      accountId: owner.accountId!,
      builtinRole: 'view_only',
    });
    const other = await createUser(t.app, { account: { name: 'Globex' } });
    await sql`insert into members (account_id, id, user_id, status, builtin_role) values (${other.accountId!}, 'mem_removed_bo', ${member.userId}, 'removed', 'view_only')`.execute(
      t.app.deps.database.db,
    );
    const session = await signIn(t.app, member);

    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: member.userId, email: member.email, name: 'Bo Member', twoFactorEnabled: true },
      memberships: [
        {
          accountId: owner.accountId,
          accountName: 'Acme Payments',
          memberId: member.memberId,
          status: 'active',
          isOwner: false,
          role: { id: 'builtin:view_only', name: expect.any(String) },
        },
      ],
      csrfToken: session.csrf,
    });
    const ownerView = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: owner.headers })).json();
    expect(ownerView.memberships[0]).toMatchObject({ isOwner: true, role: { id: 'builtin:owner' } });
  });

  it('needs a signed-in person', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/me' })).json().code).toBe('auth.required');
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: 'gatehouse_session=' + 'x'.repeat(43) } }))
        .statusCode,
    ).toBe(401);
  });
});

describe('PATCH /v1/me', () => {
  it('changes the name, and nothing else', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: session.headers,
      payload: { name: '  Ana  María ' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.name).toBe('Ana  María');
    const sneaky = await t.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: session.headers,
      payload: { name: 'Ana', email: 'evil@example.com' },
    });
    expect(sneaky.statusCode).toBe(400);
  });
});

describe('PUT /v1/me/password', () => {
  it('needs the current password, checks the new one, and ends the other sessions', async () => {
    const user = await createUser(t.app, { email: 'rosalind@example.com' });
    const other = await signIn(t.app, { ...user });
    const session = await signIn(t.app, { ...user });
    const put = (payload: object) =>
      t.app.inject({ method: 'PUT', url: '/v1/me/password', headers: session.headers, payload });

    const wrong = await put({ currentPassword: 'not it', newPassword: 'a perfectly fine passphrase' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('auth.invalid_credentials');

    for (const weak of ['short', 'password123', 'Rosalind-is-great']) {
      const res = await put({ currentPassword: user.password, newPassword: weak });
      expect(res.statusCode, weak).toBe(400);
      expect(res.json()).toMatchObject({ code: 'password.too_weak', errors: [{ field: 'body/newPassword' }] });
    }

    expect((await put({ currentPassword: user.password, newPassword: 'a perfectly fine passphrase' })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: other.headers })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(200);
    const old = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: 'a perfectly fine passphrase' },
    });
    expect(fresh.statusCode).toBe(200);
  });
});
