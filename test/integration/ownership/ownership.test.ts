import { describe, expect, it } from 'vitest';
import { memberPermissions } from '../../support/clients/checks.js';
import { getMember, listMembers } from '../../support/clients/members.js';
import { acceptOwnership, offerOwnership } from '../../support/clients/ownership.js';
import { latestMail } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, stepUp, type TestSession } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('ownership transfer', () => {
  it('only the owner offers, only to an active member, and the new owner accepts with step-up; the old owner becomes an Administrator', async () => {
    const admin = await stepUp(
      t.app,
      await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'administrator' })),
    );
    const heir = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect((await offerOwnership(t.app, admin, accountId, heir.memberId!)).status).toBe(403);
    const noConfirm = await offerOwnership(t.app, owner, accountId, heir.memberId!, false);
    expect(noConfirm.code).toBe('request.confirmation_required');
    expect((await offerOwnership(t.app, owner, accountId, heir.memberId!)).status).toBe(201);
    expect((await latestMail(t.app, heir.email, 'ownership_transfer')).subject).toContain('Acme');
    // the owner is still the owner until the heir accepts
    expect((await getMember(t.app, owner, accountId, owner.memberId!)).body.isOwner).toBe(true);
    const heirSession = await signIn(t.app, heir);
    t.clock.advance(6 * 60_000);
    expect((await acceptOwnership(t.app, heirSession, accountId)).code).toBe('auth.step_up_required');
    const fresh = await stepUp(t.app, heirSession);
    expect((await acceptOwnership(t.app, admin, accountId)).status).toBeGreaterThanOrEqual(401);
    expect((await acceptOwnership(t.app, fresh, accountId)).status).toBe(200);
    const { items } = (await listMembers(t.app, fresh, accountId, { limit: 200 })).body;
    expect(items.filter((item) => item.isOwner).map((item) => item.id)).toEqual([heir.memberId]);
    expect(items.find((item) => item.id === owner.memberId)?.role?.id).toBe('builtin:administrator');
    // the new owner has the owner-only permission at once; the old one lost it
    const permissionsOf = async (session: TestSession, memberId: string) =>
      (await memberPermissions(t.app, session, accountId, memberId)).body.permissions.map((grant) => grant.permission);
    expect(await permissionsOf(fresh, heir.memberId!)).toContain('bank_accounts.change');
    expect(await permissionsOf(fresh, owner.memberId!)).not.toContain('bank_accounts.change');
  });
});
