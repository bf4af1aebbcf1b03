import { createHash } from 'node:crypto';

/**
 * A deterministic JSON encoding: object keys sorted at every depth, no whitespace. The hash
 * of an event must not depend on key order or on how a driver returns jsonb.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The fields that the chain protects, in the shape both writer and verifier hash. The
 * position (seq) is not among them: the link to the previous hash already fixes the order.
 */
export interface ChainedFields {
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

export const genesisHash = Buffer.alloc(32);

/** SHA-256 of the event's canonical encoding, computed by the writer. */
export function contentDigest(event: ChainedFields): Buffer {
  return createHash('sha256').update(canonicalJson(event)).digest();
}

/**
 * hash = SHA-256(previous hash ‖ SHA-256(canonical encoding of the event)). The writer has
 * PostgreSQL compute the outer step (`sha256(prev || digest)`) in the appending statement,
 * so that an append is a single round trip; the verifier recomputes both here.
 */
export function chainHash(previous: Buffer, event: ChainedFields): Buffer {
  return createHash('sha256').update(previous).update(contentDigest(event)).digest();
}
