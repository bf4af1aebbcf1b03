import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { changePassword, getMe, updateMe } from '../../support/clients/me.js';
import { anonymous, send } from '../../support/clients/request.js';
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

    // The cookie alone, as a browser's GET sends it.
    const res = await getMe(t.app, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
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
    const ownerView = (await getMe(t.app, owner)).body;
    expect(ownerView.memberships[0]).toMatchObject({ isOwner: true, role: { id: 'builtin:owner' } });
  });

  it('needs a signed-in person', async () => {
    expect((await getMe(t.app, anonymous)).code).toBe('auth.required');
    const forged = { headers: { cookie: 'gatehouse_session=' + 'x'.repeat(43) } };
    expect((await getMe(t.app, forged)).status).toBe(401);
  });
});

describe('PATCH /v1/me', () => {
  it('changes the name, and nothing else', async () => {
    const session = await signUpAndSignIn(t.app);
    const res = await updateMe(t.app, session, { name: '  Ana  María ' });
    expect(res.status).toBe(200);
    expect(res.body.user.name).toBe('Ana  María');
    const sneaky = await updateMe(t.app, session, { name: 'Ana', email: 'evil@example.com' });
    expect(sneaky.status).toBe(400);
    expect((await getMe(t.app, session)).body.user).toMatchObject({ name: 'Ana  María', email: session.email });
  });
});

describe('PUT /v1/me/password', () => {
  it('needs the current password, checks the new one, and ends the other sessions', async () => {
    const user = await createUser(t.app, { email: 'rosalind@example.com' });
    const other = await signIn(t.app, { ...user });
    const session = await signIn(t.app, { ...user });
    const put = (currentPassword: string, newPassword: string) =>
      changePassword(t.app, session, { currentPassword, newPassword });

    const wrong = await put('not it', 'a perfectly fine passphrase');
    expect([wrong.status, wrong.code]).toEqual([401, 'auth.invalid_credentials']);

    for (const weak of ['short', 'password123', 'Rosalind-is-great']) {
      const res = await put(user.password, weak);
      expect(res.status, weak).toBe(400);
      expect(res.problem).toMatchObject({ code: 'password.too_weak', errors: [{ field: 'body/newPassword' }] });
    }

    expect((await put(user.password, 'a perfectly fine passphrase')).status).toBe(204);
    expect((await getMe(t.app, other)).status).toBe(401);
    expect((await getMe(t.app, session)).status).toBe(200);
    const signInWith = (password: string) =>
      send(t.app, anonymous, 'POST', '/v1/session', { email: user.email, password });
    expect((await signInWith(user.password)).status).toBe(401);
    expect((await signInWith('a perfectly fine passphrase')).status).toBe(200);
  });
});
