import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { chainHash, genesisHash } from './canonical.js';
import { type EventRow, recordOfRow } from './event-record.js';

export interface ChainReport {
  chain: string;
  events: number;
  ok: boolean;
  /** The first link that does not hold, and why. */
  broken?: { seq: number; id: string | null; reason: string };
}

/**
 * Recomputes one chain from its checkpoint (or genesis) to its head and names the first
 * broken link: an edited row (hash mismatch), a deleted or reordered one (a gap in seq or a
 * prev_hash that is not the previous row's hash), or a head that does not match the last row.
 */
export async function verifyChain(db: Db, chain: string): Promise<ChainReport> {
  const checkpoint = (
    await sql<{
      seq: number;
      hash: Buffer;
    }>`select seq, hash from security_chain_checkpoints where chain = ${chain}`.execute(db)
  ).rows[0];
  let expectedSeq = checkpoint ? Number(checkpoint.seq) + 1 : 1;
  let previous: Buffer = checkpoint ? Buffer.from(checkpoint.hash) : genesisHash;
  let events = 0;
  let after = expectedSeq - 1;
  for (;;) {
    const { rows } =
      await sql<EventRow>`select * from security_events where chain = ${chain} and seq > ${after} order by seq limit 1000`.execute(
        db,
      );
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq)
        return {
          chain,
          events,
          ok: false,
          broken: { seq: expectedSeq, id: null, reason: `event ${expectedSeq} is missing (next present is ${seq})` },
        };
      if (!Buffer.from(row.prev_hash).equals(previous))
        return {
          chain,
          events,
          ok: false,
          broken: { seq, id: row.id, reason: 'prev_hash does not match the previous event (deleted or reordered)' },
        };
      const hash = chainHash(previous, recordOfRow(row));
      if (!hash.equals(Buffer.from(row.hash)))
        return {
          chain,
          events,
          ok: false,
          broken: { seq, id: row.id, reason: 'content does not match its hash (edited)' },
        };
      previous = hash;
      expectedSeq++;
      events++;
    }
    if (rows.length < 1000) break;
    after = Number(rows.at(-1)!.seq);
  }
  const head = (
    await sql<{ seq: number; hash: Buffer }>`select seq, hash from security_chain_heads where chain = ${chain}`.execute(
      db,
    )
  ).rows[0];
  if (head && (Number(head.seq) !== expectedSeq - 1 || !Buffer.from(head.hash).equals(previous))) {
    return {
      chain,
      events,
      ok: false,
      broken: {
        seq: expectedSeq,
        id: null,
        reason: `the chain ends at ${expectedSeq - 1} but its head says ${head.seq} (events removed from the end)`,
      },
    };
  }
  return { chain, events, ok: true };
}

/** Verifies one account's chain, or every chain. */
export async function verifyChains(db: Db, accountId?: string): Promise<ChainReport[]> {
  const chains =
    accountId !== undefined
      ? [accountId]
      : (await sql<{ chain: string }>`select chain from security_chain_heads order by chain`.execute(db)).rows.map(
          (row) => row.chain,
        );
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(db, chain));
  return reports;
}

/**
 * Removes an account's events older than `before`, keeping the chain verifiable: the
 * checkpoint records the hash of the last removed event, which the next one links to.
 */
export async function applyRetention(db: Db, chain: string, before: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select 1 from security_chain_heads where chain = ${chain} for update`.execute(trx);
    const last = (
      await sql<{ seq: number; hash: Buffer }>`
      select seq, hash from security_events where chain = ${chain} and at < ${before} order by seq desc limit 1`.execute(
        trx,
      )
    ).rows[0];
    if (!last) return 0;
    await sql`select set_config('gatehouse.retention', 'on', true)`.execute(trx);
    const result = await sql`delete from security_events where chain = ${chain} and seq <= ${last.seq}`.execute(trx);
    await sql`select set_config('gatehouse.retention', 'off', true)`.execute(trx);
    await sql`insert into security_chain_checkpoints (chain, seq, hash, removed_before) values (${chain}, ${last.seq}, ${last.hash}, ${before})
              on conflict (chain) do update set seq = excluded.seq, hash = excluded.hash, removed_before = excluded.removed_before, created_at = now()`.execute(
      trx,
    );
    return Number(result.numAffectedRows ?? 0);
  });
}
