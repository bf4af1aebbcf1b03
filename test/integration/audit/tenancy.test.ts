import { describe, expect, it } from 'vitest';
import { exportSecurityEvents, securityEvents } from '../../support/clients/audit.js';
import { updateMember } from '../../support/clients/members.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signUpAndSignIn, stepUp } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();
const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
const globexId = globex.accountId!;

/** Globex's whole log, as its owner reads it (refusals written first). */
async function theirLog() {
  await t.app.deps.refusals.flush(true);
  const log = await securityEvents(t.app, globex, globexId, { limit: 200 });
  expect(log.status).toBe(200);
  return log.body.items;
}

/** Something in Globex's log: its owner changes a member's role. */
async function theirEvent() {
  const member = await createUser(t.app, { accountId: globexId });
  const changed = await updateMember(t.app, await stepUp(t.app, globex), globexId, member.memberId!, {
    roleId: 'builtin:finance',
  });
  expect(changed.status).toBe(200);
  return member.memberId!;
}

describe('the security log across accounts', () => {
  it('a member of one account cannot read or export another’s (404 account.not_found), and leaves no trace there', async () => {
    await theirEvent();
    const before = await theirLog();
    const answers = [
      await securityEvents(t.app, owner, globexId),
      await exportSecurityEvents(t.app, owner, globexId, { format: 'csv' }),
      await exportSecurityEvents(t.app, owner, globexId, { format: 'ndjson' }),
    ];
    expect(answers.map((answer) => [answer.status, answer.code])).toEqual(
      answers.map(() => [404, 'account.not_found']),
    );
    expect(answers.map((answer) => answer.response.body).join('')).not.toContain('member.role_changed');
    expect(await theirLog()).toEqual(before);
  });

  it('filtering this account’s log by another account’s actor or target finds nothing of theirs', async () => {
    const theirMember = await theirEvent();
    const queries = [{ actor: globex.memberId }, { target: theirMember }, { actor: globex.userId }];
    for (const query of queries) {
      const log = await securityEvents(t.app, owner, accountId, query);
      expect(log.status).toBe(200);
      expect(log.body.items).toEqual([]);
      const exported = await exportSecurityEvents(t.app, owner, accountId, { ...query, format: 'ndjson' });
      expect([exported.status, exported.response.body]).toEqual([200, '']);
    }
  });
});
