import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { latestMail } from '../../support/mailbox.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession, type TestUser } from '../../support/users.js';

let t: TestApp;
let owner: TestUser & TestSession;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUpAndSignIn(t.app, { account: { name: 'Acme' } });
  accountId = owner.accountId!;
});
afterAll(() => t.close());

const url = (path: string) => `/v1/accounts/${accountId}${path}`;

describe('ownership transfer', () => {
  it('only the owner offers, only to an active member, and the new owner accepts with step-up; the old owner becomes an Administrator', async () => {
    const admin = await stepUp(
      t.app,
      await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'administrator' })),
    );
    const heir = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: url('/ownership-transfer'),
          headers: admin.headers,
          payload: { memberId: heir.memberId, confirm: true },
        })
      ).statusCode,
    ).toBe(403);
    owner = await stepUp(t.app, owner);
    const noConfirm = await t.app.inject({
      method: 'POST',
      url: url('/ownership-transfer'),
      headers: owner.headers,
      payload: { memberId: heir.memberId },
    });
    expect(noConfirm.json().code).toBe('request.confirmation_required');
    const offer = await t.app.inject({
      method: 'POST',
      url: url('/ownership-transfer'),
      headers: owner.headers,
      payload: { memberId: heir.memberId, confirm: true },
    });
    expect(offer.statusCode).toBe(201);
    expect((await latestMail(t.app, heir.email, 'ownership_transfer')).subject).toContain('Acme');
    // the owner is still the owner until the heir accepts
    expect(
      (await t.app.inject({ method: 'GET', url: url(`/members/${owner.memberId}`), headers: owner.headers })).json()
        .isOwner,
    ).toBe(true);
    const heirSession = await signIn(t.app, heir);
    t.clock.advance(6 * 60_000);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: url('/ownership-transfer/accept'),
          headers: heirSession.headers,
          payload: { confirm: true },
        })
      ).json().code,
    ).toBe('auth.step_up_required');
    const fresh = await stepUp(t.app, heirSession);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: url('/ownership-transfer/accept'),
          headers: admin.headers,
          payload: { confirm: true },
        })
      ).statusCode,
    ).toBeGreaterThanOrEqual(401);
    const accepted = await t.app.inject({
      method: 'POST',
      url: url('/ownership-transfer/accept'),
      headers: fresh.headers,
      payload: { confirm: true },
    });
    expect(accepted.statusCode).toBe(200);
    const members = (
      await t.app.inject({ method: 'GET', url: url('/members?limit=200'), headers: fresh.headers })
    ).json().items;
    const owners = members.filter((m: { isOwner: boolean }) => m.isOwner);
    expect(owners.map((m: { id: string }) => m.id)).toEqual([heir.memberId]);
    expect(members.find((m: { id: string }) => m.id === owner.memberId).role.id).toBe('builtin:administrator');
    // the new owner has the owner-only permission at once; the old one lost it
    const decide = async (memberId: string) =>
      (await t.app.inject({ method: 'GET', url: url(`/members/${memberId}/permissions`), headers: fresh.headers }))
        .json()
        .permissions.map((p: { permission: string }) => p.permission);
    expect(await decide(heir.memberId!)).toContain('bank_accounts.change');
    expect(await decide(owner.memberId!)).not.toContain('bank_accounts.change');
  });
});
