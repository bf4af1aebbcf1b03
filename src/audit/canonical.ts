import { createHash } from 'node:crypto';
import type { EventRecord } from './event-record.js';

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

export const genesisHash = Buffer.alloc(32);

/** SHA-256 of the event's canonical encoding, computed by the writer. */
export function contentDigest(event: EventRecord): Buffer {
  return createHash('sha256').update(canonicalJson(event)).digest();
}

/**
 * hash = SHA-256(previous hash ‖ SHA-256(canonical encoding of the event)). The writer has
 * PostgreSQL compute the outer step (`sha256(prev || digest)`) in the appending statement,
 * so that an append is a single round trip; the verifier recomputes both here.
 */
export function chainHash(previous: Buffer, event: EventRecord): Buffer {
  return createHash('sha256').update(previous).update(contentDigest(event)).digest();
}
