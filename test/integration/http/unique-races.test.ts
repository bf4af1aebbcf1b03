import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { conflictOf, violatedUniqueIndex } from '../../../src/shared/constraint-errors.js';
import { mailsTo } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser } from '../../support/users.js';

const { t, owner, accountId, url } = await ownerAccount();
const db = t.app.deps.database.db;

const parallel = <T>(count: number, run: (index: number) => Promise<T>) =>
  Promise.all(Array.from({ length: count }, (_, index) => run(index)));
const statuses = (responses: { statusCode: number }[]) => responses.map((res) => res.statusCode).sort();
const mailCount = async (address: string, template: string) => (await mailsTo(t.app, address, template)).length;

describe('unique-constraint races answer their 409, never 500, and mail only what committed (issue 13.7)', () => {
  it('50 parallel invitations of one address: one invitation, one mail, 49 × 409 member.already_member', async () => {
    const email = 'raced-invitee@example.com';
    const responses = await parallel(50, () =>
      t.app.inject({
        method: 'POST',
        url: url('/invitations'),
        headers: owner.headers,
        payload: { email, roleId: 'builtin:view_only' },
      }),
    );
    expect(statuses(responses).filter((status) => status >= 500)).toEqual([]);
    expect(responses.filter((res) => res.statusCode === 201)).toHaveLength(1);
    for (const res of responses.filter((one) => one.statusCode !== 201)) {
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('member.already_member');
    }
    const members = await sql`select id from members where account_id = ${accountId} and email = ${email}`.execute(db);
    expect(members.rows).toHaveLength(1);
    expect(await mailCount(email, 'invitation')).toBe(1);
  });

  it('50 parallel ownership offers to one member: one offer, one mail, 49 × 409 transfer.pending', async () => {
    const heir = await createUser(t.app, { accountId, builtinRole: 'finance' });
    const responses = await parallel(50, () =>
      t.app.inject({
        method: 'POST',
        url: url('/ownership-transfer'),
        headers: owner.headers,
        payload: { memberId: heir.memberId, confirm: true },
      }),
    );
    expect(statuses(responses).filter((status) => status >= 500)).toEqual([]);
    expect(responses.filter((res) => res.statusCode === 201)).toHaveLength(1);
    for (const res of responses.filter((one) => one.statusCode !== 201))
      expect(res.json().code).toBe('transfer.pending');
    expect(await mailCount(heir.email, 'ownership_transfer')).toBe(1);
  });

  it('50 parallel ownership offers to different members: each answered, one pending at the end, a mail per offer made', async () => {
    const heirs = await parallel(50, () => createUser(t.app, { accountId, builtinRole: 'finance' }));
    const responses = await parallel(50, (index) =>
      t.app.inject({
        method: 'POST',
        url: url('/ownership-transfer'),
        headers: owner.headers,
        payload: { memberId: heirs[index].memberId, confirm: true },
      }),
    );
    expect(statuses(responses).filter((status) => status !== 201)).toEqual([]);
    const pending =
      await sql`select to_member_id from ownership_transfers where account_id = ${accountId} and status = 'pending'`.execute(
        db,
      );
    expect(pending.rows).toHaveLength(1);
    let mails = 0;
    for (const heir of heirs) mails += await mailCount(heir.email, 'ownership_transfer');
    expect(mails).toBe(responses.length);
  });
});

describe('the unique-violation mapping', () => {
  it('reads the index from the driver’s error on this engine, and maps only known indexes', async () => {
    const error = await sql`insert into users (id, email, name) values ('usr_dup1', ${owner.email}, 'Dup')`
      .execute(db)
      .catch((caught: unknown) => caught);
    expect(violatedUniqueIndex(error)).toBe('users_email_key');
    expect(conflictOf(error)?.status).toBe(409);
    expect(
      violatedUniqueIndex({
        code: '23505',
        message: 'duplicate key value violates unique constraint "members_account_user_live_key"',
      }),
    ).toBe('members_account_user_live_key');
    expect(conflictOf({ code: '23505', constraint: 'some_other_key' })).toBeUndefined();
    expect(conflictOf(new Error('boom'))).toBeUndefined();
  });
});
