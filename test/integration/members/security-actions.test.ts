import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { securityEvents } from '../../support/clients/audit.js';
import { getMe } from '../../support/clients/me.js';
import { resetTwoFactor } from '../../support/clients/members.js';
import { anonymous, platform, send } from '../../support/clients/request.js';
import { createRole } from '../../support/clients/roles.js';
import { mailsTo } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

// An admin's help with a member's sign-in: Wompi's "Enable/disable two-factor authentication"
// for the member who lost their phone (the admin's email change is in email-change.test.ts).
const { t, owner, accountId } = await ownerAccount();

const member = (role = 'view_only') => createUser(t.app, { accountId, builtinRole: role });
const asAdmin = async () => stepUp(t.app, await signIn(t.app, await member('administrator')));
const db = () => t.app.deps.database.db;

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
    const res = await resetTwoFactor(t.app, admin, accountId, target.memberId!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.memberId, status: 'active', twoFactorEnabled: false });
    expect((await getMe(t.app, lostPhone)).status).toBe(401);
    // The password still counts; the second step is now enrolment, not a code.
    const again = await send<{ next: string }>(t.app, anonymous, 'POST', '/v1/session', {
      email: target.email,
      password: target.password,
    });
    expect([again.status, again.body.next]).toEqual([200, 'enrol_totp']);
    const { rows } = await sql`select 1 from recovery_codes where user_id = ${target.userId}`.execute(db());
    expect(rows).toHaveLength(0);
    const log = await securityEvents(t.app, owner, accountId, { action: 'member.two_factor_reset' });
    expect(log.body.items[0]).toMatchObject({
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
    expect((await resetTwoFactor(t.app, admin, accountId, target.memberId!, false)).code).toBe(
      'request.confirmation_required',
    );
    t.clock.advance(6 * 60_000);
    const stale = await resetTwoFactor(t.app, admin, accountId, target.memberId!);
    expect([stale.status, stale.code]).toEqual([401, 'auth.step_up_required']);
    expect(await totpEnabled(target.userId)).toBe(true);
  });

  it('refuses the owner, yourself, someone above you, and anyone without users.edit', async () => {
    const admin = await asAdmin();
    const toOwner = await resetTwoFactor(t.app, admin, accountId, owner.memberId!);
    expect([toOwner.status, toOwner.code]).toEqual([409, 'member.owner_protected']);
    const self = await resetTwoFactor(t.app, admin, accountId, admin.memberId!);
    expect([self.status, self.code]).toEqual([403, 'authz.self_change']);
    // The owner uses /v1/me for their own 2FA too.
    expect((await resetTwoFactor(t.app, owner, accountId, owner.memberId!)).code).toBe('member.owner_protected');

    const role = await createRole(t.app, platform, accountId, {
      name: 'Support lead',
      permissions: [
        { permission: 'users.view', scope: 'all' },
        { permission: 'users.edit', scope: 'all' },
      ],
    });
    expect(role.status).toBe(201);
    const lead = await member('view_only');
    await sql`update members set builtin_role = null, role_id = ${role.body.id} where id = ${lead.memberId}`.execute(
      db(),
    );
    t.app.deps.access.cache.invalidate([{ kind: 'member', id: lead.memberId! }]);
    const leadSession = await stepUp(t.app, await signIn(t.app, lead));
    const above = await resetTwoFactor(t.app, leadSession, accountId, admin.memberId!);
    expect([above.status, above.code]).toEqual([403, 'authz.escalation']);

    const viewer = await stepUp(t.app, await signIn(t.app, await member('view_only')));
    const target = await member('view_only');
    expect((await resetTwoFactor(t.app, viewer, accountId, target.memberId!)).code).toBe('authz.forbidden');
    expect(await totpEnabled(admin.userId)).toBe(true);
    expect(await totpEnabled(owner.userId)).toBe(true);
    expect(await totpEnabled(target.userId)).toBe(true);
  });

  it('another account’s member id answers 404 and changes nothing', async () => {
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: globex.accountId, builtinRole: 'view_only' });
    const strangerSession = await signIn(t.app, stranger);
    const res = await resetTwoFactor(t.app, owner, accountId, stranger.memberId!);
    expect([res.status, res.code]).toEqual([404, 'member.not_found']);
    expect(await totpEnabled(stranger.userId)).toBe(true);
    expect((await getMe(t.app, strangerSession)).status).toBe(200);
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
