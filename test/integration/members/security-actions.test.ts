import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { platformHeaders } from '../../support/fixtures.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession } from '../../support/users.js';
import { linkFromMail, mailsTo } from '../../support/mailbox.js';

// An admin's help with a member's sign-in: Wompi's "Enable/disable two-factor authentication"
// for the member who lost their phone, Juspay's "Update Email" from the user's menu.
const { t, owner, accountId, url } = await ownerAccount();

const member = (role = 'view_only', extra: Parameters<typeof createUser>[1] = {}) =>
  createUser(t.app, { accountId, builtinRole: role, ...extra });
const asAdmin = async () => stepUp(t.app, await signIn(t.app, await member('administrator')));
const post = (session: { headers: Record<string, string> }, path: string, payload: object) =>
  t.app.inject({ method: 'POST', url: url(path), headers: session.headers, payload });
const me = (session: TestSession) => t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers });
const db = () => t.app.deps.database.db;

async function events(action: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: url(`/security-events?action=${action}`),
    headers: owner.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json().items as {
    actor: { id: string };
    target: { id: string };
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];
}

async function totpEnabled(userId: string) {
  const { rows } = await sql<{
    on: boolean;
  }>`select totp_enabled_at is not null as on from users where id = ${userId}`.execute(db());
  return rows[0].on;
}

describe('an admin resets a member’s two-factor authentication', () => {
  it('the member is signed out everywhere and must enrol again at their next sign-in; logged with before/after, mailed', async () => {
    const target = await member('finance');
    const lostPhone = await signIn(t.app, target);
    const admin = await asAdmin();
    const res = await post(admin, `/members/${target.memberId}/reset-two-factor`, { confirm: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: target.memberId, status: 'active', twoFactorEnabled: false });
    expect((await me(lostPhone)).statusCode).toBe(401);
    // The password still counts; the second step is now enrolment, not a code.
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: target.email, password: target.password },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().next).toBe('enrol_totp');
    const { rows } = await sql`select 1 from recovery_codes where user_id = ${target.userId}`.execute(db());
    expect(rows).toHaveLength(0);
    const [event] = await events('member.two_factor_reset');
    expect(event).toMatchObject({
      actor: { id: admin.memberId },
      target: { id: target.memberId },
      before: { twoFactorEnabled: true },
      after: { twoFactorEnabled: false, sessionsEnded: 1 },
    });
    expect(await mailsTo(t.app, target.email, 'security_two_factor_changed')).toHaveLength(1);
  });

  it('needs a fresh step-up and "confirm": true, and changes nothing without them', async () => {
    const target = await member('finance');
    const admin = await asAdmin();
    expect((await post(admin, `/members/${target.memberId}/reset-two-factor`, {})).json().code).toBe(
      'request.confirmation_required',
    );
    t.clock.advance(6 * 60_000);
    const stale = await post(admin, `/members/${target.memberId}/reset-two-factor`, { confirm: true });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('auth.step_up_required');
    expect(await totpEnabled(target.userId)).toBe(true);
  });

  it('refuses the owner, yourself, someone above you, and anyone without users.edit', async () => {
    const admin = await asAdmin();
    const toOwner = await post(admin, `/members/${owner.memberId}/reset-two-factor`, { confirm: true });
    expect([toOwner.statusCode, toOwner.json().code]).toEqual([409, 'member.owner_protected']);
    const self = await post(admin, `/members/${admin.memberId}/reset-two-factor`, { confirm: true });
    expect([self.statusCode, self.json().code]).toEqual([403, 'authz.self_change']);
    // The owner uses /v1/me for their own 2FA too.
    expect((await post(owner, `/members/${owner.memberId}/reset-two-factor`, { confirm: true })).json().code).toBe(
      'member.owner_protected',
    );

    const role = await t.app.inject({
      method: 'POST',
      url: url('/roles'),
      headers: platformHeaders,
      payload: {
        name: 'Support lead',
        permissions: [
          { permission: 'users.view', scope: 'all' },
          { permission: 'users.edit', scope: 'all' },
        ],
      },
    });
    const lead = await member('view_only');
    await sql`update members set builtin_role = null, role_id = ${role.json().id} where id = ${lead.memberId}`.execute(
      db(),
    );
    t.app.deps.access.cache.invalidate([{ kind: 'member', id: lead.memberId! }]);
    const leadSession = await stepUp(t.app, await signIn(t.app, lead));
    const above = await post(leadSession, `/members/${admin.memberId}/reset-two-factor`, { confirm: true });
    expect([above.statusCode, above.json().code]).toEqual([403, 'authz.escalation']);

    const viewer = await stepUp(t.app, await signIn(t.app, await member('view_only')));
    const target = await member('view_only');
    expect((await post(viewer, `/members/${target.memberId}/reset-two-factor`, { confirm: true })).json().code).toBe(
      'authz.forbidden',
    );
    expect(await totpEnabled(admin.userId)).toBe(true);
    expect(await totpEnabled(owner.userId)).toBe(true);
    expect(await totpEnabled(target.userId)).toBe(true);
  });

  it('another account’s member id answers 404 and changes nothing', async () => {
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: globex.accountId, builtinRole: 'view_only' });
    const strangerSession = await signIn(t.app, stranger);
    const res = await post(owner, `/members/${stranger.memberId}/reset-two-factor`, { confirm: true });
    expect([res.statusCode, res.json().code]).toEqual([404, 'member.not_found']);
    expect(await totpEnabled(stranger.userId)).toBe(true);
    expect((await me(strangerSession)).statusCode).toBe(200);
  });
});

describe('an admin changes a member’s email', () => {
  it('mails a link to the new address; following it changes the address, tells the old one and signs the person out', async () => {
    const target = await member('finance');
    const session = await signIn(t.app, target);
    const admin = await asAdmin();
    const res = await post(admin, `/members/${target.memberId}/email-change`, {
      newEmail: 'Renamed.Person@Example.com',
      confirm: true,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      newEmail: 'renamed.person@example.com',
      expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    });
    // Nothing changes until the new address proves it is theirs.
    expect(
      (await t.app.inject({ method: 'GET', url: url(`/members/${target.memberId}`), headers: owner.headers })).json()
        .email,
    ).toBe(target.email);
    expect((await me(session)).statusCode).toBe(200);

    const { url: link, token } = await linkFromMail(t.app, 'renamed.person@example.com', 'email_change_verify');
    expect(link.startsWith('http://gatehouse.test/email-change#token=')).toBe(true);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/email-change/confirm', payload: { token } })).statusCode,
    ).toBe(204);

    expect(
      (await t.app.inject({ method: 'GET', url: url(`/members/${target.memberId}`), headers: owner.headers })).json()
        .email,
    ).toBe('renamed.person@example.com');
    expect(await mailsTo(t.app, target.email, 'email_change_notice')).toHaveLength(1);
    expect((await me(session)).statusCode).toBe(401);
    const signInNew = await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'renamed.person@example.com', password: target.password },
    });
    expect(signInNew.statusCode).toBe(200);

    const [requested] = await events('member.email_change_requested');
    expect(requested).toMatchObject({
      actor: { id: admin.memberId },
      target: { id: target.memberId },
      before: { email: target.email },
      after: { email: 'renamed.person@example.com' },
    });
    const [changed] = await events('email.changed');
    expect(changed).toMatchObject({
      before: { email: target.email },
      after: { email: 'renamed.person@example.com', sessionsEnded: 1 },
    });
    const log = (
      await t.app.inject({ method: 'GET', url: url('/security-events/export?format=ndjson'), headers: owner.headers })
    ).body;
    expect(log).not.toContain(token);
  });

  it('refuses a person who belongs to another account too (they change it themselves), and sends nothing', async () => {
    const target = await member('finance');
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    await sql`insert into members (account_id, id, user_id, status, builtin_role, activated_at)
              values (${globex.accountId}, ${'mem_x' + target.userId.slice(5)}, ${target.userId}, 'active', 'view_only', now())`.execute(
      db(),
    );
    const admin = await asAdmin();
    const res = await post(admin, `/members/${target.memberId}/email-change`, {
      newEmail: 'hijack@example.com',
      confirm: true,
    });
    expect([res.statusCode, res.json().code]).toEqual([409, 'member.identity_shared']);
    expect(await mailsTo(t.app, 'hijack@example.com', 'email_change_verify')).toHaveLength(0);
  });

  it('refuses the owner, yourself, a missing step-up or confirmation, and another account’s member (404), sending nothing', async () => {
    const admin = await asAdmin();
    const toOwner = await post(admin, `/members/${owner.memberId}/email-change`, {
      newEmail: 'owner-hijack@example.com',
      confirm: true,
    });
    expect([toOwner.statusCode, toOwner.json().code]).toEqual([409, 'member.owner_protected']);
    const self = await post(admin, `/members/${admin.memberId}/email-change`, {
      newEmail: 'self@example.com',
      confirm: true,
    });
    expect([self.statusCode, self.json().code]).toEqual([403, 'authz.self_change']);

    const target = await member('finance');
    expect(
      (await post(admin, `/members/${target.memberId}/email-change`, { newEmail: 'unconfirmed@example.com' })).json()
        .code,
    ).toBe('request.confirmation_required');
    t.clock.advance(6 * 60_000);
    expect(
      (
        await post(admin, `/members/${target.memberId}/email-change`, { newEmail: 'stale@example.com', confirm: true })
      ).json().code,
    ).toBe('auth.step_up_required');
    await stepUp(t.app, owner);

    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: globex.accountId, builtinRole: 'view_only' });
    const cross = await post(owner, `/members/${stranger.memberId}/email-change`, {
      newEmail: 'cross@example.com',
      confirm: true,
    });
    expect([cross.statusCode, cross.json().code]).toEqual([404, 'member.not_found']);

    for (const address of [
      'owner-hijack@example.com',
      'self@example.com',
      'unconfirmed@example.com',
      'stale@example.com',
      'cross@example.com',
    ]) {
      expect(await mailsTo(t.app, address, 'email_change_verify')).toHaveLength(0);
    }
  });

  it('answers the same when the new address already has a user, and sends nothing', async () => {
    const target = await member('finance');
    const taken = await createUser(t.app, {});
    const res = await post(owner, `/members/${target.memberId}/email-change`, { newEmail: taken.email, confirm: true });
    expect(res.statusCode).toBe(202);
    expect(await mailsTo(t.app, taken.email, 'email_change_verify')).toHaveLength(0);
  });
});

describe('the OpenAPI document', () => {
  it('describes both admin actions, their bodies and answers, and the new error codes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const reset = doc.paths['/v1/accounts/{accountId}/members/{memberId}/reset-two-factor'].post;
    expect(reset.requestBody.content['application/json'].schema).toMatchObject({
      required: ['confirm'],
      properties: { confirm: { type: 'boolean', enum: [true] } },
      additionalProperties: false,
    });
    expect(Object.keys(reset.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409']));
    const change = doc.paths['/v1/accounts/{accountId}/members/{memberId}/email-change'].post;
    expect(change.requestBody.content['application/json'].schema).toMatchObject({
      required: ['newEmail', 'confirm'],
      properties: { newEmail: { format: 'email' } },
    });
    expect(change.responses['202'].content['application/json'].schema).toMatchObject({
      required: ['newEmail', 'expiresAt'],
    });
    const codes = JSON.stringify(doc).match(/"enum":\["request\.invalid"[^\]]*\]/)?.[0] ?? '';
    for (const code of ['member.identity_shared', 'member.resources_unlimited', 'two_factor.not_enrolled'])
      expect(codes).toContain(`"${code}"`);
  });
});
