import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** What a write changed, as far as authorization decisions are concerned. */
export type AccessChange =
  | { kind: 'member'; id: string }
  | { kind: 'role'; id: string }
  | { kind: 'account'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'api_key'; id: string }
  /** A registered resource: see {@link resourceChange}. */
  | { kind: 'resource'; id: string };

/**
 * A registered resource's change, named precisely. The external id is percent-encoded: the
 * payload's own separators (`|`, `,`) may appear in it.
 */
export function resourceChange(accountId: string, type: string, externalId: string): AccessChange {
  return { kind: 'resource', id: `${accountId}/${type}/${encodeURIComponent(externalId)}` };
}

export function parseResourceChange(id: string): { accountId: string; type: string; externalId: string } | undefined {
  const [accountId, type, encoded] = id.split('/');
  if (accountId === undefined || type === undefined || encoded === undefined) return undefined;
  try {
    return { accountId, type, externalId: decodeURIComponent(encoded) };
  } catch {
    return undefined;
  }
}

export const accessChannel = 'gatehouse_access';
/** Instances acknowledge each change they applied here, so its writer knows when all have. */
export const ackChannel = 'gatehouse_access_ack';

export function encodeChanges(origin: string, sequence: number, changes: AccessChange[]): string {
  return `${origin}|${sequence}|${changes.map((change) => `${change.kind}:${change.id}`).join(',')}`;
}

export function decodeChanges(payload: string): { origin: string; sequence: number; changes: AccessChange[] } | null {
  const [origin, sequence, list] = payload.split('|');
  if (origin === undefined || sequence === undefined || list === undefined) return null;
  const changes: AccessChange[] = [];
  for (const item of list.split(',').filter(Boolean)) {
    const colon = item.indexOf(':');
    const kind = item.slice(0, colon);
    if (['member', 'role', 'account', 'user', 'api_key', 'resource'].includes(kind)) {
      changes.push({ kind: kind as AccessChange['kind'], id: item.slice(colon + 1) });
    }
  }
  return { origin, sequence: Number(sequence), changes };
}

/** Queues the notification inside the writing transaction: PostgreSQL delivers it only on commit. */
export async function notifyInTransaction(trx: Db, payload: string): Promise<void> {
  await sql`select pg_notify(${accessChannel}, ${payload})`.execute(trx);
}
