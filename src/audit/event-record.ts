/**
 * The security event record, defined once: every field the chain protects and its column in
 * `security_events`. The writer hashes it (record.ts), the verifier rebuilds it from a row
 * (verify.ts), the read API and the exports show it (query.ts, export.ts).
 *
 * Hazard: the chain's hash covers exactly these fields (canonical.ts). Adding or renaming one
 * changes the digest of every new event; old events verify only with the set they were written with.
 */
export const eventColumns = {
  chain: 'chain',
  id: 'id',
  accountId: 'account_id',
  at: 'at',
  actorType: 'actor_type',
  actorId: 'actor_id',
  actorName: 'actor_name',
  action: 'action',
  outcome: 'outcome',
  errorCode: 'error_code',
  targetType: 'target_type',
  targetId: 'target_id',
  targetName: 'target_name',
  before: 'before',
  after: 'after',
  ip: 'ip',
  userAgent: 'user_agent',
  requestId: 'request_id',
  count: 'count',
} as const satisfies Record<keyof EventRecord, string>;

/**
 * The fields of one event, as hashed into its chain. The position (seq) is not among them:
 * the link to the previous hash already fixes the order.
 */
export interface EventRecord {
  chain: string;
  id: string;
  accountId: string | null;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  outcome: string;
  errorCode: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  count: number;
}

/** A row of `security_events`: the record under its column names, with its place in the chain. */
export type EventRow = { [K in keyof EventRecord as (typeof eventColumns)[K]]: EventRecord[K] } & {
  seq: number;
  prev_hash: Buffer;
  hash: Buffer;
};

const fields = Object.entries(eventColumns) as [keyof EventRecord, keyof EventRow][];

/** The record a row holds. */
export function recordOfRow(row: EventRow): EventRecord {
  const record: Record<string, unknown> = {};
  for (const [field, column] of fields) record[field] = row[column];
  // A driver may hand an integer column back as a string.
  record.count = Number(row.count);
  return record as unknown as EventRecord;
}
