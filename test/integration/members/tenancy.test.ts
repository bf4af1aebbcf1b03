import { describe, expect, it } from 'vitest';
import { changeMemberStatus, getMember, listMembers } from '../../support/clients/members.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('members across accounts', () => {
  it('ids from another account answer 404, and strangers cannot see an account at all', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: other.accountId, builtinRole: 'view_only' });
    expect((await getMember(t.app, owner, accountId, stranger.memberId!)).status).toBe(404);
    expect((await changeMemberStatus(t.app, owner, accountId, stranger.memberId!, 'deactivate')).status).toBe(404);
    expect((await getMember(t.app, other, other.accountId!, stranger.memberId!)).body.status).toBe('active');
    const res = await listMembers(t.app, other, accountId);
    expect([res.status, res.code]).toEqual([404, 'account.not_found']);
  });
});
