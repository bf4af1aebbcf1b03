import { describe, expect, it } from 'vitest';
import { getMember, setResourceAssignment, updateMember } from '../../support/clients/members.js';
import { createProfile } from '../../support/clients/profiles.js';
import { platform } from '../../support/clients/request.js';
import { deleteResource, listResources, putResource, type ResourceInput } from '../../support/clients/resources.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();
const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
const globexId = globex.accountId!;

/** Every resource of an account, as the platform sees it. */
const resourcesOf = async (account: string) =>
  (await listResources(t.app, platform, account, { limit: 200 })).body.items;

async function theirResource(externalId: string, input: Partial<ResourceInput> = {}) {
  const put = await putResource(t.app, platform, globexId, 'bank_account', externalId, {
    name: 'Globex bank',
    ...input,
  });
  expect(put.status).toBe(201);
  return put.body;
}

describe('resources across accounts', () => {
  it('registering one here with another account’s profile or member answers 404 and registers nothing', async () => {
    const profile = (await createProfile(t.app, globex, globexId, 'Globex Store')).body;
    const withProfile = await putResource(t.app, platform, accountId, 'bank_account', 'ba-x1', {
      name: 'Ours',
      profileId: profile.id,
    });
    expect([withProfile.status, withProfile.code]).toEqual([404, 'profile.not_found']);
    const withOwner = await putResource(t.app, platform, accountId, 'bank_account', 'ba-x2', {
      name: 'Ours',
      ownerMemberId: globex.memberId,
    });
    expect([withOwner.status, withOwner.code]).toEqual([404, 'member.not_found']);
    const ours = (await resourcesOf(accountId)).map((resource) => resource.id);
    expect(ours).not.toContain('ba-x1');
    expect(ours).not.toContain('ba-x2');
  });

  it('the same external id in two accounts is two resources: changing or deleting one leaves the other', async () => {
    const theirs = await theirResource('ba-shared');
    const ours = await putResource(t.app, platform, accountId, 'bank_account', 'ba-shared', { name: 'Acme bank' });
    expect(ours.status).toBe(201);
    const renamed = await putResource(t.app, platform, accountId, 'bank_account', 'ba-shared', {
      name: 'Acme renamed',
    });
    expect(renamed.status).toBe(200);
    expect(await resourcesOf(globexId)).toContainEqual(theirs);
    expect((await deleteResource(t.app, platform, accountId, 'bank_account', 'ba-shared')).status).toBe(204);
    expect(await resourcesOf(globexId)).toContainEqual(theirs);
  });

  it('deleting another account’s resource through this one answers 404 resource.not_found and keeps it', async () => {
    const theirs = await theirResource('ba-globex-only');
    const res = await deleteResource(t.app, platform, accountId, 'bank_account', 'ba-globex-only');
    expect([res.status, res.code]).toEqual([404, 'resource.not_found']);
    expect(await resourcesOf(globexId)).toContainEqual(theirs);
  });

  it('another account’s resources cannot be assigned to members here (404 resource.not_found)', async () => {
    await theirResource('ba-globex-assign');
    const member = await createUser(t.app, { accountId, builtinRole: 'finance' });
    const assigned = await setResourceAssignment(
      t.app,
      owner,
      accountId,
      member.memberId!,
      {
        type: 'bank_account',
        id: 'ba-globex-assign',
      },
      true,
    );
    expect([assigned.status, assigned.code]).toEqual([404, 'resource.not_found']);
    const edited = await updateMember(t.app, owner, accountId, member.memberId!, {
      resources: { bank_account: ['ba-globex-assign'] },
    });
    expect([edited.status, edited.code]).toEqual([404, 'resource.not_found']);
    expect((await getMember(t.app, owner, accountId, member.memberId!)).body.resourceScope).toEqual({});
  });

  it('filtering by another account’s profile lists none of its resources', async () => {
    const profile = (await createProfile(t.app, globex, globexId, 'Globex Outlet')).body;
    await theirResource('ba-globex-profiled', { profileId: profile.id });
    const list = await listResources(t.app, owner, accountId, { profileId: profile.id });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('a member of one account cannot list another’s resources (404 account.not_found)', async () => {
    const theirs = await theirResource('ba-globex-listed');
    const res = await listResources(t.app, owner, globexId);
    expect([res.status, res.code]).toEqual([404, 'account.not_found']);
    expect(await resourcesOf(globexId)).toContainEqual(theirs);
  });
});
