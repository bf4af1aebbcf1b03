import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  invite,
  inviteFromCsv,
  listInvitations,
  lookupInvitation,
  resendInvitation,
  revokeInvitation,
} from '../../support/clients/invitations.js';
import { updateMember } from '../../support/clients/members.js';
import { createRole } from '../../support/clients/roles.js';
import { tokenFromMail } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp, testPassword } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

/** An invitation with the View only role. */
const inviteViewer = (email: string, extra: Record<string, unknown> = {}) =>
  invite(t.app, owner, accountId, { email, roleId: 'builtin:view_only', ...extra });

/** Accepting as a new person, with a name and the test password. */
const acceptAsNew = (token: string, name = 'New Person') =>
  acceptInvitation(t.app, { token, name, password: testPassword });

describe('invitations', () => {
  it('need users.invite, and nobody invites with more than they hold', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'view_only' }));
    expect(
      (await invite(t.app, viewer, accountId, { email: 'a@example.com', roleId: 'builtin:view_only' })).status,
    ).toBe(403);
    const role = await createRole(t.app, owner, accountId, {
      name: 'Inviter',
      permissions: [
        { permission: 'users.invite', scope: 'all' },
        { permission: 'payments.view', scope: 'all' },
      ],
    });
    const inviter = await createUser(t.app, { accountId });
    expect((await updateMember(t.app, owner, accountId, inviter.memberId!, { roleId: role.body.id })).status).toBe(200);
    const session = await signIn(t.app, inviter);
    const above = await invite(t.app, session, accountId, { email: 'b@example.com', roleId: 'builtin:administrator' });
    expect([above.status, above.code]).toEqual([403, 'authz.escalation']);
    const morePermissions = await invite(t.app, session, accountId, {
      email: 'c@example.com',
      permissions: [{ permission: 'payments.export', scope: 'all' }],
    });
    expect(morePermissions.code).toBe('authz.escalation');
    const held = await invite(t.app, session, accountId, {
      email: 'd@example.com',
      permissions: [{ permission: 'payments.view', scope: 'all' }],
    });
    expect(held.status).toBe(201);
    expect((await invite(t.app, session, accountId, { email: 'e@example.com', roleId: 'builtin:owner' })).status).toBe(
      409,
    );
  });

  it('answer 409 for someone already in the account, and the same for addresses with or without a user elsewhere', async () => {
    const member = await createUser(t.app, { accountId, builtinRole: 'view_only' });
    const again = await inviteViewer(member.email);
    expect([again.status, again.code]).toEqual([409, 'member.already_member']);
    const elsewhere = await signUpAndSignIn(t.app, { account: { name: 'Other' } });
    const known = await inviteViewer(elsewhere.email);
    const unknown = await inviteViewer('nobody-yet@example.com');
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(201);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
  });

  it('accept exactly once: 20 parallel accepts of one invitation make one membership', async () => {
    await inviteViewer('race@example.com');
    const token = await tokenFromMail(t.app, 'race@example.com', 'invitation');
    const results = await Promise.all(Array.from({ length: 20 }, () => acceptAsNew(token, 'Racer')));
    expect(results.filter((res) => res.status === 200)).toHaveLength(1);
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from invitations where account_id = ${accountId} and email = 'race@example.com' and status = 'accepted'`.execute(
      t.database.db,
    );
    expect(Number(rows[0].n)).toBe(1);
    expect((await acceptAsNew(token, 'Again')).status).toBe(409);
  });

  it('are bound to their email: a signed-in person with another address cannot accept', async () => {
    await inviteViewer('bound@example.com');
    const token = await tokenFromMail(t.app, 'bound@example.com', 'invitation');
    const someoneElse = await signUpAndSignIn(t.app, {});
    const res = await acceptInvitation(t.app, { token }, someoneElse);
    expect([res.status, res.code]).toEqual([403, 'invitation.email_mismatch']);
    // and it is still usable by its owner
    expect((await acceptAsNew(token, 'Bound')).status).toBe(200);
  });

  it('an existing user signs in with 2FA and accepts with the token alone', async () => {
    const existing = await signUpAndSignIn(t.app, { account: { name: 'Their own' } });
    await invite(t.app, owner, accountId, { email: existing.email, roleId: 'builtin:support' });
    const token = await tokenFromMail(t.app, existing.email, 'invitation');
    const lookup = await lookupInvitation(t.app, token);
    expect(lookup.body).toMatchObject({ accountName: 'Acme', existingUser: true, roleName: 'Support' });
    const refused = await acceptInvitation(t.app, { token, name: 'Takeover', password: 'a brand new password 9' });
    expect(refused.code).toBe('invitation.sign_in_required');
    const res = await acceptInvitation(t.app, { token }, existing);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
  });

  it('resend kills the old link; revoke and expiry end it', async () => {
    const created = (await inviteViewer('resend@example.com')).body;
    const first = await tokenFromMail(t.app, 'resend@example.com', 'invitation');
    expect((await resendInvitation(t.app, owner, accountId, created.id)).status).toBe(429);
    t.clock.advance(61_000);
    Object.assign(owner, await stepUp(t.app, owner));
    expect((await resendInvitation(t.app, owner, accountId, created.id)).status).toBe(200);
    const second = await tokenFromMail(t.app, 'resend@example.com', 'invitation');
    expect(second).not.toBe(first);
    expect((await acceptAsNew(first, 'Old')).status).toBe(404);

    const revoked = (await inviteViewer('revoke@example.com')).body;
    const revokedToken = await tokenFromMail(t.app, 'revoke@example.com', 'invitation');
    expect((await revokeInvitation(t.app, owner, accountId, revoked.id)).status).toBe(204);
    expect((await acceptAsNew(revokedToken, 'Late')).status).toBe(409);

    await inviteViewer('expire@example.com');
    const expiring = await tokenFromMail(t.app, 'expire@example.com', 'invitation');
    t.clock.advance(73 * 3600_000);
    const expired = await acceptAsNew(expiring, 'Slow');
    expect([expired.status, expired.code]).toEqual([410, 'invitation.expired']);
    Object.assign(owner, await signIn(t.app, owner));
    const list = (await listInvitations(t.app, owner, accountId, { status: 'expired' })).body.items;
    expect(list.map((invitation) => invitation.email)).toContain('expire@example.com');
  });

  it('ids of another account’s invitations answer 404, and leave them pending', async () => {
    const other = await stepUp(t.app, await signUpAndSignIn(t.app, { account: { name: 'Globex' } }));
    const theirs = await invite(t.app, other, other.accountId!, {
      email: 'g@example.com',
      roleId: 'builtin:view_only',
    });
    expect(theirs.status).toBe(201);
    const resent = await resendInvitation(t.app, owner, accountId, theirs.body.id);
    expect([resent.status, resent.code]).toEqual([404, 'invitation.not_found']);
    const revoked = await revokeInvitation(t.app, owner, accountId, theirs.body.id);
    expect([revoked.status, revoked.code]).toEqual([404, 'invitation.not_found']);
    const pending = (await listInvitations(t.app, other, other.accountId!, { status: 'pending' })).body.items;
    expect(pending.find((invitation) => invitation.id === theirs.body.id)?.sendCount).toBe(1);
  });

  it('refuse extra fields and malformed tokens, changing nothing', async () => {
    expect((await inviteViewer('x@example.com', { isOwner: true })).status).toBe(400);
    expect((await acceptAsNew('../../etc/passwd', 'x')).status).toBe(400);
    expect((await acceptAsNew('A'.repeat(43), 'x')).status).toBe(404);
    const unknownFlag = await inviteViewer('flags@example.com', { flags: { apiAccess: true, godMode: true } });
    expect(unknownFlag.status).toBe(400);
    expect(unknownFlag.problem?.errors).toEqual([
      { field: 'body/flags/godMode', message: 'is not a flag of the catalog' },
    ]);
    const pending = (await listInvitations(t.app, owner, accountId)).body.items;
    expect(pending.map((invitation) => invitation.email)).not.toContain('flags@example.com');
  });
});

describe('bulk invitations from CSV', () => {
  const upload = (csv: string) => inviteFromCsv(t.app, owner, accountId, csv);

  it('invites every row when all are valid', async () => {
    const res = await upload('email,role,profiles\nbulk1@example.com,Finance,\nbulk2@example.com,view_only,\n');
    expect(res.status).toBe(201);
    expect(res.body.items.map((invitation) => invitation.email)).toEqual(['bulk1@example.com', 'bulk2@example.com']);
  });

  it('invites nobody when any row is invalid, and names each bad line', async () => {
    const res = await upload(
      'email,role\nfine@example.com,Support\nnot-an-email,Support\nother@example.com,Galactic Emperor\n',
    );
    expect(res.status).toBe(400);
    expect(res.problem?.errors?.map((error) => error.field)).toEqual(['line 3', 'line 4']);
    const list = (await listInvitations(t.app, owner, accountId, { status: 'pending', limit: 200 })).body.items;
    expect(list.map((invitation) => invitation.email)).not.toContain('fine@example.com');
  });

  it('reports rows that escalate or repeat, still inviting nobody', async () => {
    const res = await upload(
      'email,role\nowner-wannabe@example.com,owner\ndup@example.com,Support\nDUP@example.com,Support\n',
    );
    expect(res.status).toBe(400);
    expect(res.problem?.errors?.map((error) => error.field)).toEqual(['line 2', 'line 4']);
  });
});
