import { describe, expect, it } from 'vitest';
import { getMember } from '../../support/clients/members.js';
import {
  acceptOwnership,
  cancelOwnershipOffer,
  offerOwnership,
  pendingTransfer,
} from '../../support/clients/ownership.js';
import { accountUrl, send } from '../../support/clients/request.js';
import { tokenFromMail } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

/** Another account, with its owner signed in and stepped up. */
async function globexAccount() {
  const globex = await stepUp(t.app, await signUpAndSignIn(t.app, { account: { name: 'Globex' } }));
  return { globex, globexId: globex.accountId! };
}

/** Globex offers its ownership to one of its members; returns the pending offer. */
async function pendingOffer(globex: TestSession, heirMemberId: string) {
  const offer = await offerOwnership(t.app, globex, globex.accountId!, heirMemberId);
  expect(offer.status).toBe(201);
  return offer.body;
}

const isOwner = async (session: TestSession, account: string, memberId: string) =>
  (await getMember(t.app, session, account, memberId)).body.isOwner;

describe('ownership transfer across accounts', () => {
  it('an offer to another account’s member answers 404 member.not_found and offers nothing, here or there', async () => {
    const { globex, globexId } = await globexAccount();
    const theirs = await createUser(t.app, { accountId: globexId, builtinRole: 'administrator' });
    const offer = await offerOwnership(t.app, owner, accountId, theirs.memberId!);
    expect([offer.status, offer.code]).toEqual([404, 'member.not_found']);
    expect((await pendingTransfer(t.app, owner, accountId)).body.transfer).toBeNull();
    expect((await pendingTransfer(t.app, globex, globexId)).body.transfer).toBeNull();
    expect(await isOwner(globex, globexId, theirs.memberId!)).toBe(false);
  });

  it('a member of one account cannot see, withdraw or accept another’s offer (404 account.not_found); it stays pending', async () => {
    const { globex, globexId } = await globexAccount();
    const heir = await createUser(t.app, { accountId: globexId, builtinRole: 'administrator' });
    const offer = await pendingOffer(globex, heir.memberId!);
    const answers = [
      await pendingTransfer(t.app, owner, globexId),
      await cancelOwnershipOffer(t.app, owner, globexId),
      await acceptOwnership(t.app, owner, globexId),
      await offerOwnership(t.app, owner, globexId, owner.memberId!),
    ];
    expect(answers.map((answer) => [answer.status, answer.code])).toEqual(
      answers.map(() => [404, 'account.not_found']),
    );
    expect((await pendingTransfer(t.app, globex, globexId)).body.transfer).toEqual(offer);
    expect(await isOwner(globex, globexId, globex.memberId!)).toBe(true);
  });

  it('a person offered another account’s ownership cannot accept it through an account they share (404 transfer.not_found)', async () => {
    const { globex, globexId } = await globexAccount();
    // An administrator here, then invited to Globex too.
    const dual = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'administrator' }));
    const invited = await send(t.app, globex, 'POST', accountUrl(globexId, '/invitations'), {
      email: dual.email,
      roleId: 'builtin:administrator',
    });
    expect(invited.status).toBe(201);
    const token = await tokenFromMail(t.app, dual.email, 'invitation');
    const joined = await send<{ memberId: string }>(t.app, dual, 'POST', '/v1/invitations/accept', { token });
    expect(joined.status).toBe(200);
    const offer = await pendingOffer(globex, joined.body.memberId);

    const accepted = await acceptOwnership(t.app, await stepUp(t.app, dual), accountId);
    expect([accepted.status, accepted.code]).toEqual([404, 'transfer.not_found']);
    const withdrawn = await cancelOwnershipOffer(t.app, owner, accountId);
    expect([withdrawn.status, withdrawn.code]).toEqual([404, 'transfer.not_found']);
    expect((await pendingTransfer(t.app, globex, globexId)).body.transfer).toEqual(offer);
    expect(await isOwner(owner, accountId, owner.memberId!)).toBe(true);
    expect(await isOwner(owner, accountId, dual.memberId!)).toBe(false);
  });
});
