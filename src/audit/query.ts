import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import type { EventRow } from './event-record.js';
import { personalLogActionFamilies } from './identity-events.js';

export interface EventFilter {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
}

export interface EventView {
  id: string;
  at: Date;
  actor: { type: string; id: string | null; name: string | null };
  action: string;
  outcome: string;
  errorCode: string | null;
  target: { type: string; id: string; name: string | null } | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  count: number;
}

export function eventView(row: EventRow): EventView {
  return {
    id: row.id,
    at: row.at,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    outcome: row.outcome,
    errorCode: row.error_code,
    target:
      row.target_type && row.target_id ? { type: row.target_type, id: row.target_id, name: row.target_name } : null,
    before: row.before,
    after: row.after,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    count: Number(row.count),
  };
}

export type EventCursor = { at: string; seq: number; chain: string };

/** One account's events, newest first, after a keyset cursor. */
export async function queryAccountEvents(
  db: Db,
  accountId: string,
  filter: EventFilter,
  limit: number,
  after?: EventCursor,
): Promise<EventRow[]> {
  const conditions: RawBuilder<unknown>[] = [sql`chain = ${accountId}`];
  if (filter.actor) conditions.push(sql`actor_id = ${filter.actor}`);
  if (filter.action)
    conditions.push(
      filter.action.endsWith('.*')
        ? sql`action like ${filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`) + '%'}`
        : sql`action = ${filter.action}`,
    );
  if (filter.target) conditions.push(sql`target_id = ${filter.target}`);
  if (filter.from) conditions.push(sql`at >= ${filter.from}`);
  if (filter.to) conditions.push(sql`at < ${filter.to}`);
  if (after) conditions.push(sql`(at, seq) < (${new Date(after.at)}, ${after.seq})`);
  const { rows } = await sql<EventRow>`
    select * from security_events where ${sql.join(conditions, sql` and `)} order by at desc, seq desc limit ${limit}`.execute(
    db,
  );
  return rows;
}

/** A person's own security activity (sessions, 2FA, password and email changes) across accounts. */
export async function queryUserEvents(db: Db, userId: string, limit: number, after?: EventCursor): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`
    select * from security_events
     where (actor_id = ${userId} or target_id = ${userId})
       and split_part(action, '.', 1) in (${sql.join(personalLogActionFamilies)})
       ${after ? sql`and (at, seq, chain) < (${new Date(after.at)}, ${after.seq}, ${after.chain})` : sql``}
     order by at desc, seq desc, chain desc limit ${limit}`.execute(db);
  return rows;
}

export function cursorOf(row: EventRow): EventCursor {
  return { at: row.at.toISOString(), seq: Number(row.seq), chain: row.chain };
}

/** One page of events, newest first: `load` reads `limit` rows after the decoded cursor. */
export async function eventsPage(
  page: { limit?: number; cursor?: string },
  load: (limit: number, after: EventCursor | undefined) => Promise<EventRow[]>,
): Promise<{ items: EventView[]; nextCursor: string | null }> {
  const limit = page.limit ?? 50;
  const rows = await load(
    limit,
    page.cursor ? decodeCursor(page.cursor, { at: 'timestamp', seq: 'integer', chain: 'string' }) : undefined,
  );
  const last = rows.at(-1);
  return {
    items: rows.map(eventView),
    nextCursor: rows.length === limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
