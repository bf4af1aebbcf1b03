import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getAccount } from '../../support/clients/accounts.js';
import { getMe } from '../../support/clients/me.js';
import { changeMemberStatus, listMembers, updateMember } from '../../support/clients/members.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

const member = (role = 'view_only', options: Parameters<typeof createUser>[1] = {}) =>
  createUser(t.app, { accountId, builtinRole: role, ...options });

const asAdmin = async () => stepUp(t.app, await signIn(t.app, await member('administrator')));

describe('member status changes', () => {
  it('need a fresh step-up, then an explicit confirmation', async () => {
    const target = await member();
    const admin = await signIn(t.app, await member('administrator'));
    // Signing in verified a second factor; five minutes later that no longer counts.
    t.clock.advance(6 * 60_000);
    const noStepUp = await changeMemberStatus(t.app, admin, accountId, target.memberId!, 'deactivate');
    expect([noStepUp.status, noStepUp.code]).toEqual([401, 'auth.step_up_required']);
    const steppedUp = await stepUp(t.app, admin);
    const noConfirm = await changeMemberStatus(t.app, steppedUp, accountId, target.memberId!, 'deactivate', false);
    expect([noConfirm.status, noConfirm.code]).toEqual([400, 'request.confirmation_required']);
    t.clock.advance(6 * 60_000);
    expect((await changeMemberStatus(t.app, steppedUp, accountId, target.memberId!, 'deactivate')).code).toBe(
      'auth.step_up_required',
    );
  });

  it('deactivation blocks the member on their very next request and ends their session; reactivation restores access', async () => {
    const target = await member('finance');
    const targetSession = await signIn(t.app, target);
    expect((await getAccount(t.app, targetSession, accountId)).status).toBe(200);
    const admin = await asAdmin();
    const res = await changeMemberStatus(t.app, admin, accountId, target.memberId!, 'deactivate');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('inactive');
    // This was their only account: their session is over, not merely refused here.
    expect((await getAccount(t.app, targetSession, accountId)).status).toBe(401);
    const me = await getMe(t.app, targetSession);
    expect([me.status, me.code]).toEqual([401, 'auth.required']);
    // inactive members cannot be edited, only reactivated or removed
    const edit = await updateMember(t.app, admin, accountId, target.memberId!, { roleId: 'builtin:support' });
    expect(edit.code).toBe('member.inactive');
    expect((await changeMemberStatus(t.app, admin, accountId, target.memberId!, 'reactivate')).body.status).toBe(
      'active',
    );
    const again = await signIn(t.app, target);
    expect((await getAccount(t.app, again, accountId)).status).toBe(200);
  });

  it('removal from the last account ends every session of the person at once', async () => {
    const target = await member('finance');
    const laptop = await signIn(t.app, target);
    const phone = await signIn(t.app, target);
    const admin = await asAdmin();
    expect((await changeMemberStatus(t.app, admin, accountId, target.memberId!, 'remove')).status).toBe(200);
    for (const session of [laptop, phone]) expect((await getMe(t.app, session)).status).toBe(401);
    const { rows } = await sql`select count(*)::int as n from sessions where user_id = ${target.userId}`.execute(
      t.app.deps.database.db,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('a person still active in another account keeps their session there; this account refuses them at once', async () => {
    const target = await member('finance');
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const globexMemberId = `mem_${target.userId.slice(4)}`;
    await sql`insert into members (account_id, id, user_id, status, builtin_role, activated_at)
              values (${globex.accountId}, ${globexMemberId}, ${target.userId}, 'active', 'view_only', now())`.execute(
      t.app.deps.database.db,
    );
    t.app.deps.access.cache.invalidate([{ kind: 'user', id: target.userId }]);
    const session = await signIn(t.app, target);
    const admin = await asAdmin();
    expect((await changeMemberStatus(t.app, admin, accountId, target.memberId!, 'deactivate')).status).toBe(200);
    expect((await getMe(t.app, session)).status).toBe(200);
    expect((await getAccount(t.app, session, globex.accountId!)).status).toBe(200);
    expect((await getAccount(t.app, session, accountId)).status).toBe(403);
    // Removed from the other account too: now it was their last, and the session ends.
    const globexOwner = await stepUp(t.app, globex);
    expect((await changeMemberStatus(t.app, globexOwner, globex.accountId!, globexMemberId, 'remove')).status).toBe(
      200,
    );
    expect((await getMe(t.app, session)).status).toBe(401);
  });

  it('never targets the owner, and nobody changes their own status or role', async () => {
    const admin = await asAdmin();
    const ownerId = owner.memberId!;
    for (const action of ['deactivate', 'remove'] as const) {
      const res = await changeMemberStatus(t.app, admin, accountId, ownerId, action);
      expect([res.status, res.code]).toEqual([409, 'member.owner_protected']);
    }
    expect((await updateMember(t.app, admin, accountId, ownerId, { roleId: 'builtin:view_only' })).code).toBe(
      'member.owner_protected',
    );
    expect((await changeMemberStatus(t.app, admin, accountId, admin.memberId!, 'deactivate')).code).toBe(
      'authz.self_change',
    );
    expect((await updateMember(t.app, admin, accountId, admin.memberId!, { roleId: 'builtin:view_only' })).code).toBe(
      'authz.self_change',
    );
  });

  it('two admins removing each other at once: at most one succeeds, and the owner remains', async () => {
    const a = await asAdmin();
    const b = await asAdmin();
    const answers = await Promise.all([
      changeMemberStatus(t.app, a, accountId, b.memberId!, 'remove'),
      changeMemberStatus(t.app, b, accountId, a.memberId!, 'remove'),
    ]);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const { items } = (await listMembers(t.app, owner, accountId, { limit: 200 })).body;
    expect(items.filter((item) => item.isOwner && item.status === 'active')).toHaveLength(1);
  });
});
