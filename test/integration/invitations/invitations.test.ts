import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ownerAccount } from '../../support/owner-account.js';
import { tokenFromMail } from '../../support/mailbox.js';
import { createUser, signIn, signUpAndSignIn, stepUp, testPassword } from '../../support/users.js';

const { t, owner, accountId, url } = await ownerAccount();

const invite = (headers: object, body: object) =>
  t.app.inject({ method: 'POST', url: url('/invitations'), headers: headers as Record<string, string>, payload: body });
const accept = (payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/invitations/accept', headers, payload });

describe('invitations', () => {
  it('need users.invite, and nobody invites with more than they hold', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'view_only' }));
    expect((await invite(viewer.headers, { email: 'a@example.com', roleId: 'builtin:view_only' })).statusCode).toBe(
      403,
    );
    const role = (
      await t.app.inject({
        method: 'POST',
        url: url('/roles'),
        headers: owner.headers,
        payload: {
          name: 'Inviter',
          permissions: [
            { permission: 'users.invite', scope: 'all' },
            { permission: 'payments.view', scope: 'all' },
          ],
        },
      })
    ).json();
    const inviter = await createUser(t.app, { accountId });
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${inviter.memberId}`),
      headers: owner.headers,
      payload: { roleId: role.id, confirm: true },
    });
    const session = await signIn(t.app, inviter);
    const above = await invite(session.headers, { email: 'b@example.com', roleId: 'builtin:administrator' });
    expect(above.statusCode).toBe(403);
    expect(above.json().code).toBe('authz.escalation');
    expect(
      (
        await invite(session.headers, {
          email: 'c@example.com',
          permissions: [{ permission: 'payments.export', scope: 'all' }],
        })
      ).json().code,
    ).toBe('authz.escalation');
    expect(
      (
        await invite(session.headers, {
          email: 'd@example.com',
          permissions: [{ permission: 'payments.view', scope: 'all' }],
        })
      ).statusCode,
    ).toBe(201);
    expect((await invite(session.headers, { email: 'e@example.com', roleId: 'builtin:owner' })).statusCode).toBe(409);
  });

  it('answer 409 for someone already in the account, and the same for addresses with or without a user elsewhere', async () => {
    const member = await createUser(t.app, { accountId, builtinRole: 'view_only' });
    const again = await invite(owner.headers, { email: member.email, roleId: 'builtin:view_only' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('member.already_member');
    const elsewhere = await signUpAndSignIn(t.app, { account: { name: 'Other' } });
    const known = await invite(owner.headers, { email: elsewhere.email, roleId: 'builtin:view_only' });
    const unknown = await invite(owner.headers, { email: 'nobody-yet@example.com', roleId: 'builtin:view_only' });
    expect(known.statusCode).toBe(201);
    expect(unknown.statusCode).toBe(201);
    const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
    expect(shape(known.json())).toEqual(shape(unknown.json()));
  });

  it('accept exactly once: 20 parallel accepts of one invitation make one membership', async () => {
    await invite(owner.headers, { email: 'race@example.com', roleId: 'builtin:view_only' });
    const token = await tokenFromMail(t.app, 'race@example.com', 'invitation');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => accept({ token, name: 'Racer', password: testPassword })),
    );
    expect(results.filter((res) => res.statusCode === 200)).toHaveLength(1);
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from invitations where account_id = ${accountId} and email = 'race@example.com' and status = 'accepted'`.execute(
      t.database.db,
    );
    expect(Number(rows[0].n)).toBe(1);
    expect((await accept({ token, name: 'Again', password: testPassword })).statusCode).toBe(409);
  });

  it('are bound to their email: a signed-in person with another address cannot accept', async () => {
    await invite(owner.headers, { email: 'bound@example.com', roleId: 'builtin:view_only' });
    const token = await tokenFromMail(t.app, 'bound@example.com', 'invitation');
    const someoneElse = await signUpAndSignIn(t.app, {});
    const res = await accept({ token }, someoneElse.headers);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('invitation.email_mismatch');
    // and it is still usable by its owner
    expect((await accept({ token, name: 'Bound', password: testPassword })).statusCode).toBe(200);
  });

  it('an existing user signs in with 2FA and accepts with the token alone', async () => {
    const existing = await signUpAndSignIn(t.app, { account: { name: 'Their own' } });
    await invite(owner.headers, { email: existing.email, roleId: 'builtin:support' });
    const token = await tokenFromMail(t.app, existing.email, 'invitation');
    const lookup = await t.app.inject({ method: 'POST', url: '/v1/invitations/lookup', payload: { token } });
    expect(lookup.json()).toMatchObject({ accountName: 'Acme', existingUser: true, roleName: 'Support' });
    const refused = await accept({ token, name: 'Takeover', password: 'a brand new password 9' });
    expect(refused.json().code).toBe('invitation.sign_in_required');
    const res = await accept({ token }, existing.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('active');
  });

  it('resend kills the old link; revoke and expiry end it', async () => {
    const created = (await invite(owner.headers, { email: 'resend@example.com', roleId: 'builtin:view_only' })).json();
    const first = await tokenFromMail(t.app, 'resend@example.com', 'invitation');
    const tooSoon = await t.app.inject({
      method: 'POST',
      url: url(`/invitations/${created.id}/resend`),
      headers: owner.headers,
    });
    expect(tooSoon.statusCode).toBe(429);
    t.clock.advance(61_000);
    Object.assign(owner, await stepUp(t.app, owner));
    expect(
      (await t.app.inject({ method: 'POST', url: url(`/invitations/${created.id}/resend`), headers: owner.headers }))
        .statusCode,
    ).toBe(200);
    const second = await tokenFromMail(t.app, 'resend@example.com', 'invitation');
    expect(second).not.toBe(first);
    expect((await accept({ token: first, name: 'Old', password: testPassword })).statusCode).toBe(404);

    const revoked = (await invite(owner.headers, { email: 'revoke@example.com', roleId: 'builtin:view_only' })).json();
    const revokedToken = await tokenFromMail(t.app, 'revoke@example.com', 'invitation');
    expect(
      (await t.app.inject({ method: 'DELETE', url: url(`/invitations/${revoked.id}`), headers: owner.headers }))
        .statusCode,
    ).toBe(204);
    expect((await accept({ token: revokedToken, name: 'Late', password: testPassword })).statusCode).toBe(409);

    await invite(owner.headers, { email: 'expire@example.com', roleId: 'builtin:view_only' });
    const expiring = await tokenFromMail(t.app, 'expire@example.com', 'invitation');
    t.clock.advance(73 * 3600_000);
    const expired = await accept({ token: expiring, name: 'Slow', password: testPassword });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('invitation.expired');
    Object.assign(owner, await signIn(t.app, owner));
    const list = (
      await t.app.inject({ method: 'GET', url: url('/invitations?status=expired'), headers: owner.headers })
    )
      .json()
      .items.map((i: { email: string }) => i.email);
    expect(list).toContain('expire@example.com');
  });

  it('ids of another account’s invitations answer 404', async () => {
    const other = await stepUp(t.app, await signUpAndSignIn(t.app, { account: { name: 'Globex' } }));
    const theirs = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/accounts/${other.accountId}/invitations`,
        headers: other.headers,
        payload: { email: 'g@example.com', roleId: 'builtin:view_only' },
      })
    ).json();
    expect(
      (await t.app.inject({ method: 'POST', url: url(`/invitations/${theirs.id}/resend`), headers: owner.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: url(`/invitations/${theirs.id}`), headers: owner.headers }))
        .statusCode,
    ).toBe(404);
  });

  it('refuse extra fields and malformed tokens, changing nothing', async () => {
    expect(
      (await invite(owner.headers, { email: 'x@example.com', roleId: 'builtin:view_only', isOwner: true })).statusCode,
    ).toBe(400);
    expect((await accept({ token: '../../etc/passwd', name: 'x', password: testPassword })).statusCode).toBe(400);
    expect((await accept({ token: 'A'.repeat(43), name: 'x', password: testPassword })).statusCode).toBe(404);
    const unknownFlag = await invite(owner.headers, {
      email: 'flags@example.com',
      roleId: 'builtin:view_only',
      flags: { apiAccess: true, godMode: true },
    });
    expect(unknownFlag.statusCode).toBe(400);
    expect(unknownFlag.json().errors).toEqual([
      { field: 'body/flags/godMode', message: 'is not a flag of the catalog' },
    ]);
    const pending = (await t.app.inject({ method: 'GET', url: url('/invitations'), headers: owner.headers })).json<{
      items: { email: string }[];
    }>().items;
    expect(pending.map((invitation) => invitation.email)).not.toContain('flags@example.com');
  });
});

describe('bulk invitations from CSV', () => {
  const upload = (csv: string) =>
    t.app.inject({
      method: 'POST',
      url: url('/invitations/bulk'),
      headers: { ...owner.headers, 'content-type': 'text/csv' },
      payload: csv,
    });

  it('invites every row when all are valid', async () => {
    const res = await upload('email,role,profiles\nbulk1@example.com,Finance,\nbulk2@example.com,view_only,\n');
    expect(res.statusCode).toBe(201);
    expect(res.json().items.map((i: { email: string }) => i.email)).toEqual(['bulk1@example.com', 'bulk2@example.com']);
  });

  it('invites nobody when any row is invalid, and names each bad line', async () => {
    const res = await upload(
      'email,role\nfine@example.com,Support\nnot-an-email,Support\nother@example.com,Galactic Emperor\n',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['line 3', 'line 4']);
    const list = (
      await t.app.inject({ method: 'GET', url: url('/invitations?status=pending&limit=200'), headers: owner.headers })
    )
      .json()
      .items.map((i: { email: string }) => i.email);
    expect(list).not.toContain('fine@example.com');
  });

  it('reports rows that escalate or repeat, still inviting nobody', async () => {
    const res = await upload(
      'email,role\nowner-wannabe@example.com,owner\ndup@example.com,Support\nDUP@example.com,Support\n',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['line 2', 'line 4']);
  });
});
