import { describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey } from '../../support/clients/api-keys.js';
import { updateMember } from '../../support/clients/members.js';
import { accountUrl, bearer, send } from '../../support/clients/request.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();
const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
const globexId = globex.accountId!;

/** A developer of `account` with API access, signed in and stepped up, and a key of theirs. */
async function developerWithKey(account: string, admin: typeof owner) {
  const user = await createUser(t.app, { accountId: account, builtinRole: 'developer' });
  expect(
    (await updateMember(t.app, await stepUp(t.app, admin), account, user.memberId!, { flags: { apiAccess: true } }))
      .status,
  ).toBe(200);
  const session = await stepUp(t.app, await signIn(t.app, user));
  const created = await createApiKey(t.app, session, account);
  expect(created.status).toBe(201);
  return { session, key: created.body };
}

/** The key as its account lists it, to the owner. */
async function listed(account: string, admin: typeof owner, keyId: string) {
  const list = await listApiKeys(t.app, admin, account);
  expect(list.status).toBe(200);
  return list.body.items.find((item) => item.id === keyId);
}

describe('API keys across accounts', () => {
  it('another account’s key id answers 404 to revocation, and the key keeps working', async () => {
    const theirs = await developerWithKey(globexId, globex);
    const revoked = await revokeApiKey(t.app, owner, accountId, theirs.key.id);
    expect([revoked.status, revoked.code]).toEqual([404, 'api_key.not_found']);
    expect((await listed(globexId, globex, theirs.key.id))?.revokedAt).toBeNull();
    expect((await send(t.app, bearer(theirs.key.key), 'GET', accountUrl(globexId))).status).toBe(200);
  });

  it('another account’s member id lists none of their keys', async () => {
    const theirs = await developerWithKey(globexId, globex);
    const list = await listApiKeys(t.app, owner, accountId, { memberId: theirs.session.memberId });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('a member of one account cannot list, create or revoke keys in another (404 account.not_found), changing nothing', async () => {
    const theirs = await developerWithKey(globexId, globex);
    const ours = await developerWithKey(accountId, owner);
    const answers = [
      await listApiKeys(t.app, owner, globexId),
      await createApiKey(t.app, ours.session, globexId),
      await revokeApiKey(t.app, owner, globexId, theirs.key.id),
    ];
    expect(answers.map((answer) => [answer.status, answer.code])).toEqual(
      answers.map(() => [404, 'account.not_found']),
    );
    const keys = (await listApiKeys(t.app, globex, globexId)).body.items;
    expect(keys.map((key) => key.memberId)).not.toContain(ours.session.memberId);
    expect((await listed(globexId, globex, theirs.key.id))?.revokedAt).toBeNull();
  });

  it('a key opens only its own account: another account’s URL answers 404', async () => {
    const ours = await developerWithKey(accountId, owner);
    const theirs = await developerWithKey(globexId, globex);
    expect((await send(t.app, bearer(ours.key.key), 'GET', accountUrl(accountId))).status).toBe(200);
    const crossed = await send(t.app, bearer(ours.key.key), 'GET', accountUrl(globexId, '/members'));
    expect([crossed.status, crossed.code]).toEqual([404, 'account.not_found']);
    const back = await send(t.app, bearer(theirs.key.key), 'GET', accountUrl(accountId, '/members'));
    expect([back.status, back.code]).toEqual([404, 'account.not_found']);
  });
});
