import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { RequestContext } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { chainHash, contentDigest, genesisHash } from './canonical.js';
import type { EventRecord } from './event-record.js';
import { maskSecrets } from './mask.js';

export type EventActorType = 'member' | 'user' | 'api_key' | 'platform' | 'system' | 'anonymous';

/** One entry for the security log, before it is chained. */
export interface SecurityEventInput {
  accountId: string | null;
  actor: { type: EventActorType; id?: string | null; name?: string | null };
  /** Dotted verb in the past tense: `member.deactivated`, `role.updated`, `session.signed_in`. */
  action: string;
  outcome?: 'success' | 'failure' | 'refused';
  errorCode?: string | null;
  target?: { type: string; id: string; name?: string | null } | null;
  before?: unknown;
  after?: unknown;
  context?: RequestContext;
  count?: number;
  at: Date;
}

/**
 * Appends one event to its account's chain, inside the caller's transaction when given one,
 * so the event exists exactly when the change does. Locks only that chain's head row, so
 * appends to different accounts never wait on each other.
 */
export async function recordEvent(db: Db, input: SecurityEventInput): Promise<string> {
  const fields = chainedFieldsOf(input);
  // Inside a transaction the event must commit with the change: append it right there.
  // Standalone events (refusals, failed sign-ins) may share one write with their neighbours.
  if (!db.isTransaction) return appendStandalone(db, fields);
  await appendOne(db, fields);
  return fields.id;
}

function chainedFieldsOf(input: SecurityEventInput): EventRecord {
  const chain = chainOf(input);
  return {
    chain,
    id: newId('evt'),
    accountId: input.accountId,
    at: input.at,
    actorType: input.actor.type,
    actorId: input.actor.id ?? null,
    actorName: input.actor.name ?? null,
    action: input.action,
    outcome: input.outcome ?? 'success',
    errorCode: input.errorCode ?? null,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    targetName: input.target?.name ?? null,
    before: input.before === undefined ? null : maskSecrets(input.before),
    after: input.after === undefined ? null : maskSecrets(input.after),
    ip: input.context?.ip ?? null,
    userAgent: input.context?.userAgent ?? null,
    requestId: input.context?.requestId ?? null,
    count: input.count ?? 1,
  };
}

async function appendOne(db: Db, fields: EventRecord): Promise<void> {
  const chain = fields.chain;
  const digest = contentDigest(fields);
  // security_append_event (migration 0005) moves the chain's head and inserts the event in
  // one call; null means the chain has no head yet.
  const append = async () =>
    (
      await sql<{
        seq: string | null;
      }>`select security_append_event(${chain}, ${digest}::bytea, ${fields.id}, ${fields.accountId}, ${fields.at},
        ${fields.actorType}, ${fields.actorId}, ${fields.actorName}, ${fields.action}, ${fields.outcome}, ${fields.errorCode},
        ${fields.targetType}, ${fields.targetId}, ${fields.targetName}, ${jsonb(fields.before)}, ${jsonb(fields.after)},
        ${fields.ip}, ${fields.userAgent}, ${fields.requestId}, ${fields.count}::integer) as seq`.execute(db)
    ).rows[0]?.seq ?? null;
  if ((await append()) === null) {
    // The chain's first event: create its head, then append as usual.
    await ensureHead(db, chain);
    if ((await append()) === null) throw new Error(`could not append to security chain ${chain}`);
  }
}

/** A chain's head, created at the genesis hash on its first event. */
async function ensureHead(db: Db, chain: string): Promise<void> {
  await sql`insert into security_chain_heads (chain, seq, hash) values (${chain}, 0, ${genesisHash}) on conflict (chain) do nothing`.execute(
    db,
  );
}

interface Waiting {
  fields: EventRecord;
  done: (error?: Error) => void;
}

/** Standalone appends waiting for their chain's current write to finish, per database. */
const queues = new WeakMap<Db, Map<string, Waiting[]>>();

/**
 * Group append: while one standalone write to a chain is in flight, later ones for that chain
 * queue up and then go in together, as one transaction that locks the head once and inserts
 * them all in order. A burst on one account costs a few writes instead of one per event.
 */
function appendStandalone(db: Db, fields: EventRecord): Promise<string> {
  let byChain = queues.get(db);
  if (!byChain) queues.set(db, (byChain = new Map<string, Waiting[]>()));
  const queued = byChain.get(fields.chain);
  const done = new Promise<string>((resolve, reject) => {
    const waiting: Waiting = { fields, done: (error) => (error === undefined ? resolve(fields.id) : reject(error)) };
    if (queued) queued.push(waiting);
    else {
      byChain.set(fields.chain, []);
      void drain(db, byChain, fields.chain, [waiting]);
    }
  });
  return done;
}

async function drain(db: Db, byChain: Map<string, Waiting[]>, chain: string, batch: Waiting[]): Promise<void> {
  for (;;) {
    try {
      // Alone, an event takes the one-call path (its own implicit transaction).
      if (batch.length === 1) await appendOne(db, batch[0].fields);
      else
        await db.transaction().execute((trx) =>
          appendBatch(
            trx,
            chain,
            batch.map((waiting) => waiting.fields),
          ),
        );
      for (const waiting of batch) waiting.done();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiting of batch) waiting.done(failure);
    }
    const next = byChain.get(chain) ?? [];
    if (next.length === 0) {
      byChain.delete(chain);
      return;
    }
    byChain.set(chain, []);
    batch = next;
  }
}

/** Appends events to one chain in order, in the caller's transaction. */
async function appendBatch(trx: Db, chain: string, events: EventRecord[]): Promise<void> {
  await ensureHead(trx, chain);
  const head = (
    await sql<{
      seq: number;
      hash: Buffer;
    }>`select seq, hash from security_chain_heads where chain = ${chain} for update`.execute(trx)
  ).rows[0];
  let seq = Number(head.seq);
  let previous: Buffer = Buffer.from(head.hash);
  const rows = events.map((fields) => {
    const hash = chainHash(previous, fields);
    const row = sql`(${chain}, ${++seq}, ${fields.id}, ${fields.accountId}, ${fields.at}, ${fields.actorType}, ${fields.actorId},
      ${fields.actorName}, ${fields.action}, ${fields.outcome}, ${fields.errorCode}, ${fields.targetType}, ${fields.targetId},
      ${fields.targetName}, ${jsonb(fields.before)}, ${jsonb(fields.after)}, ${fields.ip}, ${fields.userAgent}, ${fields.requestId},
      ${fields.count}, ${previous}, ${hash})`;
    previous = hash;
    return row;
  });
  await sql`insert into security_events (chain, seq, id, account_id, at, actor_type, actor_id, actor_name, action, outcome,
      error_code, target_type, target_id, target_name, before, after, ip, user_agent, request_id, count, prev_hash, hash)
    values ${sql.join(rows)}`.execute(trx);
  await sql`update security_chain_heads set seq = ${seq}, previous_hash = hash, hash = ${previous} where chain = ${chain}`.execute(
    trx,
  );
}

/**
 * Each account is one chain; an event outside any account (a person's sign-in, 2FA or
 * password change) joins that person's own chain, so unrelated people never wait on one lock.
 */
export function chainOf(input: Pick<SecurityEventInput, 'accountId' | 'actor'>): string {
  if (input.accountId !== null) return input.accountId;
  return input.actor.id ? `${input.actor.type}:${input.actor.id}` : 'system';
}

function jsonb(value: unknown) {
  return value === null ? null : sql`${JSON.stringify(value)}::jsonb`;
}
