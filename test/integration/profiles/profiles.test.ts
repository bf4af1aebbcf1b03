import { describe, expect, it } from 'vitest';
import { updateMember } from '../../support/clients/members.js';
import { createProfile, listProfiles, updateProfile } from '../../support/clients/profiles.js';
import { platform } from '../../support/clients/request.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

const profileIds = async (session: typeof owner) =>
  (await listProfiles(t.app, session, accountId)).body.items.map((profile) => profile.id);

describe('profiles', () => {
  it('are created, renamed and archived; a member limited to profiles sees only theirs', async () => {
    const a = await createProfile(t.app, platform, accountId, 'Store A');
    expect(a.status).toBe(201);
    const b = await createProfile(t.app, owner, accountId, 'Store B');
    expect(b.status).toBe(201);
    expect((await updateProfile(t.app, owner, accountId, b.body.id, { name: 'Store Bee' })).body.name).toBe(
      'Store Bee',
    );
    const limited = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect((await updateMember(t.app, owner, accountId, limited.memberId!, { profileIds: [a.body.id] })).status).toBe(
      200,
    );
    expect(await profileIds(await signIn(t.app, limited))).toEqual([a.body.id]);
    expect((await updateProfile(t.app, owner, accountId, b.body.id, { archived: true })).body.archived).toBe(true);
    expect(await profileIds(owner)).not.toContain(b.body.id);
  });
});
