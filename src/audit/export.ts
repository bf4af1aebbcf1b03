import type { Db } from '../db/database.js';
import { csvRow } from '../shared/csv.js';
import { escapeControlCharacters, exportText } from '../shared/text.js';
import { eventColumns } from './event-record.js';
import {
  cursorOf,
  type EventCursor,
  type EventFilter,
  type EventView,
  eventView,
  queryAccountEvents,
} from './query.js';

const pageSize = 1000;

/** Every matching event, newest first, a page at a time (one page in memory). */
async function* eventPages(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<EventView[]> {
  let after: EventCursor | undefined;
  for (;;) {
    const rows = await queryAccountEvents(db, accountId, filter, pageSize, after);
    yield rows.map(eventView);
    if (rows.length < pageSize) return;
    after = cursorOf(rows.at(-1)!);
  }
}

/** Every string in a JSON value with its control characters escaped (names in before/after). */
function escapedJson(value: unknown): unknown {
  if (typeof value === 'string') return escapeControlCharacters(value);
  if (Array.isArray(value)) return value.map(escapedJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [escapeControlCharacters(key), escapedJson(item)]),
    );
  return value;
}

const text = (value: string | null) => (value === null ? null : exportText(value));

/**
 * An event as exported: free text (names, user agent) neutralised (see exportText) and every
 * other string escaped, whatever an older row or a request header put there; the log itself
 * keeps what was recorded, so the chain still verifies.
 */
function exportedEvent(event: EventView): EventView {
  return {
    ...event,
    actor: { ...event.actor, name: text(event.actor.name) },
    target: event.target && { ...event.target, name: text(event.target.name) },
    action: escapeControlCharacters(event.action),
    errorCode: event.errorCode === null ? null : escapeControlCharacters(event.errorCode),
    before: escapedJson(event.before),
    after: escapedJson(event.after),
    userAgent: text(event.userAgent),
  };
}

/** The record's columns, less the chain and the account (one account's export). */
export const csvHeader: string[] = Object.values(eventColumns).filter(
  (column) => column !== 'chain' && column !== 'account_id',
);

/** The CSV export; its first chunk is the header with the first page (see sendExport). */
export async function* eventsCsv(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<string> {
  let chunk = csvRow(csvHeader);
  for await (const events of eventPages(db, accountId, filter)) {
    for (const event of events) {
      chunk += csvRow([
        event.id,
        event.at,
        event.actor.type,
        event.actor.id,
        event.actor.name,
        event.action,
        event.outcome,
        event.errorCode,
        event.target?.type,
        event.target?.id,
        event.target?.name,
        JSON.stringify(event.before),
        JSON.stringify(event.after),
        event.ip,
        event.userAgent,
        event.requestId,
        event.count,
      ]);
    }
    yield chunk;
    chunk = '';
  }
}

/** The NDJSON export: one event per line, its strings neutralised like the CSV's cells. */
export async function* eventsNdjson(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<string> {
  for await (const events of eventPages(db, accountId, filter)) {
    yield events.map((event) => JSON.stringify(exportedEvent(event)) + '\n').join('');
  }
}
