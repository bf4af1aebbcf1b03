import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/audit/record.js';
import { RefusalLog } from '../../../src/audit/refusals.js';
import { applyRetention, verifyChain } from '../../../src/audit/verify.js';
import { TestClock } from '../../support/clock.js';
import { createTestDatabase, engine, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
const clock = new TestClock();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function append(chain: string, n: number, action = 'member.updated') {
  for (let i = 0; i < n; i++) {
    await recordEvent(database.db, {
      accountId: chain,
      actor: { type: 'member', id: 'mem_actor', name: 'Ada' },
      action,
      target: { type: 'member', id: `mem_${i}`, name: `Target ${i}` },
      before: { role: 'view_only', password: 'hunter2' },
      after: { role: 'administrator', nested: { token: 'abc' } },
      context: { ip: '203.0.113.7', userAgent: 'test', requestId: `req-${i}` },
      at: clock.now(),
    });
    clock.advance(1000);
  }
}

/** Tampering as a superuser would: bypass the append-only trigger for this transaction only. */
async function tamper(statement: ReturnType<typeof sql>) {
  await database.db.transaction().execute(async (trx) => {
    await sql`select set_config('gatehouse.retention', 'on', true)`.execute(trx);
    await sql`alter table security_events disable trigger security_events_no_update`.execute(trx);
    await statement.execute(trx);
    await sql`alter table security_events enable trigger security_events_no_update`.execute(trx);
  });
}

describe(`security log chain on ${engine}`, () => {
  it('verifies an intact chain and masks secrets in before/after', async () => {
    await append('acc_intact', 5);
    expect(await verifyChain(database.db, 'acc_intact')).toEqual({ chain: 'acc_intact', events: 5, ok: true });
    const { rows } = await sql<{
      before: { password: string };
      after: { nested: { token: string } };
    }>`select before, after from security_events where chain = 'acc_intact' limit 1`.execute(database.db);
    expect(rows[0].before.password).toBe('[masked]');
    expect(rows[0].after.nested.token).toBe('[masked]');
  });

  it('refuses UPDATE and DELETE on events from the application', async () => {
    await append('acc_locked', 1);
    await expect(
      sql`update security_events set action = 'x' where chain = 'acc_locked'`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from security_events where chain = 'acc_locked'`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    expect((await verifyChain(database.db, 'acc_locked')).ok).toBe(true);
  });

  it('names the first edited row', async () => {
    await append('acc_edit', 6);
    await tamper(
      sql`update security_events set after = '{"role":"owner"}'::jsonb where chain = 'acc_edit' and seq = 3`,
    );
    expect(await verifyChain(database.db, 'acc_edit')).toMatchObject({
      ok: false,
      broken: { seq: 3, reason: expect.stringContaining('edited') },
    });
  });

  it('names a deleted row', async () => {
    await append('acc_delete', 6);
    await tamper(sql`delete from security_events where chain = 'acc_delete' and seq = 4`);
    expect(await verifyChain(database.db, 'acc_delete')).toMatchObject({
      ok: false,
      broken: { seq: 4, reason: expect.stringContaining('missing') },
    });
  });

  it('names reordered rows', async () => {
    await append('acc_swap', 6);
    await tamper(
      sql`update security_events set seq = case seq when 2 then 5 when 5 then 2 end + 1000 where chain = 'acc_swap' and seq in (2, 5)`,
    );
    await tamper(sql`update security_events set seq = seq - 1000 where chain = 'acc_swap' and seq > 1000`);
    expect(await verifyChain(database.db, 'acc_swap')).toMatchObject({ ok: false, broken: { seq: 2 } });
  });

  it('notices events cut from the end', async () => {
    await append('acc_tail', 4);
    await tamper(sql`delete from security_events where chain = 'acc_tail' and seq = 4`);
    expect(await verifyChain(database.db, 'acc_tail')).toMatchObject({ ok: false, broken: { seq: 4 } });
  });

  it('keeps a valid chain under 50 concurrent appends to one account, standalone and inside transactions', async () => {
    const event = (i: number) => ({
      accountId: 'acc_busy',
      actor: { type: 'system' as const },
      action: 'test.concurrent',
      target: { type: 'test', id: String(i) },
      at: clock.now(),
    });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? recordEvent(database.db, event(i))
          : database.db.transaction().execute((trx) => recordEvent(trx, event(i))),
      ),
    );
    expect(await verifyChain(database.db, 'acc_busy')).toEqual({ chain: 'acc_busy', events: 50, ok: true });
    const { rows } = await sql<{
      n: number;
    }>`select count(distinct target_id) as n from security_events where chain = 'acc_busy'`.execute(database.db);
    expect(Number(rows[0].n)).toBe(50);
  });

  it('retention removes old events and the chain still verifies from its checkpoint', async () => {
    await append('acc_retention', 5);
    const cut = clock.now();
    await append('acc_retention', 3);
    expect(await applyRetention(database.db, 'acc_retention', cut)).toBe(5);
    expect(await verifyChain(database.db, 'acc_retention')).toEqual({ chain: 'acc_retention', events: 3, ok: true });
  });

  it('collapses a burst of 1,000 refusals into a handful of events carrying the count', async () => {
    const refusals = new RefusalLog(database, clock);
    const event = {
      accountId: 'acc_flood',
      actor: { type: 'member' as const, id: 'mem_flooder' },
      action: 'members.deactivate',
      outcome: 'refused' as const,
      errorCode: 'authz.forbidden',
      at: clock.now(),
    };
    for (let i = 0; i < 1000; i++) refusals.record(event);
    clock.advance(61_000);
    await refusals.flush(false);
    const { rows } = await sql<{
      count: number;
      error_code: string;
    }>`select count, error_code from security_events where chain = 'acc_flood' order by seq`.execute(database.db);
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(rows.reduce((sum, row) => sum + Number(row.count), 0)).toBe(1000);
    expect(rows.every((row) => row.error_code === 'authz.forbidden')).toBe(true);
    expect((await verifyChain(database.db, 'acc_flood')).ok).toBe(true);
  });
});
