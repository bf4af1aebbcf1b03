import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { exportSecurityEvents, securityEvents } from '../../support/clients/audit.js';
import { getMe } from '../../support/clients/me.js';
import { getMember, requestMemberEmailChange } from '../../support/clients/members.js';
import { anonymous, send } from '../../support/clients/request.js';
import { linkFromMail, mailsTo } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

// Juspay's "Update Email" from the user's menu: an admin changes a member's address, which
// takes effect only when the new address follows the link mailed to it.
const { t, owner, accountId } = await ownerAccount();

const member = (role = 'view_only') => createUser(t.app, { accountId, builtinRole: role });
const asAdmin = async () => stepUp(t.app, await signIn(t.app, await member('administrator')));
const emailOf = async (memberId: string) => (await getMember(t.app, owner, accountId, memberId)).body.email;

async function event(action: string) {
  const log = await securityEvents(t.app, owner, accountId, { action });
  expect(log.status).toBe(200);
  return log.body.items[0];
}

describe('an admin changes a member’s email', () => {
  it('mails a link to the new address; following it changes the address, tells the old one and signs the person out', async () => {
    const target = await member('finance');
    const session = await signIn(t.app, target);
    const admin = await asAdmin();
    const res = await requestMemberEmailChange(t.app, admin, accountId, target.memberId!, 'Renamed.Person@Example.com');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      newEmail: 'renamed.person@example.com',
      expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    });
    // Nothing changes until the new address proves it is theirs.
    expect(await emailOf(target.memberId!)).toBe(target.email);
    expect((await getMe(t.app, session)).status).toBe(200);

    const { url: link, token } = await linkFromMail(t.app, 'renamed.person@example.com', 'email_change_verify');
    expect(link.startsWith('http://gatehouse.test/email-change#token=')).toBe(true);
    expect((await send(t.app, anonymous, 'POST', '/v1/email-change/confirm', { token })).status).toBe(204);

    expect(await emailOf(target.memberId!)).toBe('renamed.person@example.com');
    expect(await mailsTo(t.app, target.email, 'email_change_notice')).toHaveLength(1);
    expect((await getMe(t.app, session)).status).toBe(401);
    const signInNew = await send(t.app, anonymous, 'POST', '/v1/session', {
      email: 'renamed.person@example.com',
      password: target.password,
    });
    expect(signInNew.status).toBe(200);

    expect(await event('member.email_change_requested')).toMatchObject({
      actor: { id: admin.memberId },
      target: { id: target.memberId },
      before: { email: target.email },
      after: { email: 'renamed.person@example.com' },
    });
    expect(await event('email.changed')).toMatchObject({
      before: { email: target.email },
      after: { email: 'renamed.person@example.com', sessionsEnded: 1 },
    });
    const log = await exportSecurityEvents(t.app, owner, accountId, { format: 'ndjson' });
    expect(log.response.body).not.toContain(token);
  });

  it('refuses a person who belongs to another account too (they change it themselves), and sends nothing', async () => {
    const target = await member('finance');
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    await sql`insert into members (account_id, id, user_id, status, builtin_role, activated_at)
              values (${globex.accountId}, ${'mem_x' + target.userId.slice(5)}, ${target.userId}, 'active', 'view_only', now())`.execute(
      t.app.deps.database.db,
    );
    const admin = await asAdmin();
    const res = await requestMemberEmailChange(t.app, admin, accountId, target.memberId!, 'hijack@example.com');
    expect([res.status, res.code]).toEqual([409, 'member.identity_shared']);
    expect(await mailsTo(t.app, 'hijack@example.com', 'email_change_verify')).toHaveLength(0);
  });

  it('refuses the owner, yourself, a missing step-up or confirmation, and another account’s member (404), sending nothing', async () => {
    const admin = await asAdmin();
    const toOwner = await requestMemberEmailChange(
      t.app,
      admin,
      accountId,
      owner.memberId!,
      'owner-hijack@example.com',
    );
    expect([toOwner.status, toOwner.code]).toEqual([409, 'member.owner_protected']);
    const self = await requestMemberEmailChange(t.app, admin, accountId, admin.memberId!, 'self@example.com');
    expect([self.status, self.code]).toEqual([403, 'authz.self_change']);

    const target = await member('finance');
    const unconfirmed = await requestMemberEmailChange(
      t.app,
      admin,
      accountId,
      target.memberId!,
      'unconfirmed@example.com',
      false,
    );
    expect(unconfirmed.code).toBe('request.confirmation_required');
    t.clock.advance(6 * 60_000);
    const stale = await requestMemberEmailChange(t.app, admin, accountId, target.memberId!, 'stale@example.com');
    expect(stale.code).toBe('auth.step_up_required');
    await stepUp(t.app, owner);

    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: globex.accountId, builtinRole: 'view_only' });
    const cross = await requestMemberEmailChange(t.app, owner, accountId, stranger.memberId!, 'cross@example.com');
    expect([cross.status, cross.code]).toEqual([404, 'member.not_found']);

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
    const res = await requestMemberEmailChange(t.app, owner, accountId, target.memberId!, taken.email);
    expect(res.status).toBe(202);
    expect(await mailsTo(t.app, taken.email, 'email_change_verify')).toHaveLength(0);
  });
});
