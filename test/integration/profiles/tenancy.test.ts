import { describe, expect, it } from 'vitest';
import { getMember, listMembers, updateMember } from '../../support/clients/members.js';
import { createProfile, listProfiles, type Profile, updateProfile } from '../../support/clients/profiles.js';
import { accountUrl, send } from '../../support/clients/request.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();
const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
const globexId = globex.accountId!;

async function theirProfile(name: string): Promise<Profile> {
  const created = await createProfile(t.app, globex, globexId, name);
  expect(created.status).toBe(201);
  return created.body;
}

/** Globex's profiles, archived ones included, as its owner sees them. */
const theirProfiles = async () => (await listProfiles(t.app, globex, globexId, { includeArchived: true })).body.items;

describe('profiles across accounts', () => {
  it('another account’s profile id answers 404 to a rename or an archive, and the profile is unchanged', async () => {
    const profile = await theirProfile('Globex Store');
    for (const change of [{ name: 'Ours now' }, { archived: true }]) {
      const res = await updateProfile(t.app, owner, accountId, profile.id, change);
      expect([res.status, res.code]).toEqual([404, 'profile.not_found']);
    }
    expect(await theirProfiles()).toEqual([profile]);
  });

  it('is never listed in this account', async () => {
    const profile = await theirProfile('Globex Outlet');
    const ours = await listProfiles(t.app, owner, accountId, { includeArchived: true });
    expect(ours.status).toBe(200);
    expect(ours.body.items.map((item) => item.id)).not.toContain(profile.id);
  });

  it('cannot be given to a member or an invitation here (404 profile.not_found), which change nothing', async () => {
    const profile = await theirProfile('Globex Kiosk');
    const member = await createUser(t.app, { accountId, builtinRole: 'finance' });
    const edit = await updateMember(t.app, owner, accountId, member.memberId!, { profileIds: [profile.id] });
    expect([edit.status, edit.code]).toEqual([404, 'profile.not_found']);
    expect((await getMember(t.app, owner, accountId, member.memberId!)).body.profileIds).toBeNull();
    const email = 'limited-invitee@example.com';
    const invite = await send(t.app, owner, 'POST', accountUrl(accountId, '/invitations'), {
      email,
      roleId: 'builtin:finance',
      profileIds: [profile.id],
    });
    expect([invite.status, invite.code]).toEqual([404, 'profile.not_found']);
    expect((await listMembers(t.app, owner, accountId, { q: email })).body.items).toEqual([]);
  });

  it('a member of one account cannot list, create or edit another’s profiles (404 account.not_found), changing nothing', async () => {
    const profile = await theirProfile('Globex HQ');
    const before = await theirProfiles();
    const answers = [
      await listProfiles(t.app, owner, globexId),
      await createProfile(t.app, owner, globexId, 'Planted'),
      await updateProfile(t.app, owner, globexId, profile.id, { name: 'Renamed', archived: true }),
    ];
    expect(answers.map((answer) => [answer.status, answer.code])).toEqual(
      answers.map(() => [404, 'account.not_found']),
    );
    expect(await theirProfiles()).toEqual(before);
  });
});
