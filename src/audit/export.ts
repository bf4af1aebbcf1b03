import type { Db } from '../db/database.js';
import { csvRow } from '../shared/csv.js';
import { cursorOf, type EventCursor, type EventFilter, type EventView, eventView, queryAccountEvents } from './query.js';

const pageSize = 1000;

/** Every matching event, newest first, one page in memory at a time. */
async function* allEvents(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<EventView> {
  let after: EventCursor | undefined;
  for (;;) {
    const rows = await queryAccountEvents(db, accountId, filter, pageSize, after);
    for (const row of rows) yield eventView(row);
    if (rows.length < pageSize) return;
    after = cursorOf(rows.at(-1)!);
  }
}

// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Free text people typed (names, user agents): control characters out, formulas defused. */
function neutralise(text: string | null): string | null {
  if (text === null) return null;
  const clean = text.replace(controls, '');
  return /^[=+\-@]/.test(clean) ? `'${clean}` : clean;
}

export const csvHeader = ['id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'outcome', 'error_code', 'target_type', 'target_id', 'target_name', 'before', 'after', 'ip', 'user_agent', 'request_id', 'count'];

export async function* eventsCsv(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<string> {
  yield csvRow(csvHeader);
  for await (const event of allEvents(db, accountId, filter)) {
    yield csvRow([
      event.id, event.at, event.actor.type, event.actor.id, event.actor.name, event.action, event.outcome, event.errorCode,
      event.target?.type, event.target?.id, event.target?.name, JSON.stringify(event.before), JSON.stringify(event.after),
      event.ip, event.userAgent, event.requestId, event.count,
    ]);
  }
}

export async function* eventsNdjson(db: Db, accountId: string, filter: EventFilter): AsyncGenerator<string> {
  for await (const event of allEvents(db, accountId, filter)) {
    const safe = {
      ...event,
      actor: { ...event.actor, name: neutralise(event.actor.name) },
      target: event.target && { ...event.target, name: neutralise(event.target.name) },
      userAgent: neutralise(event.userAgent),
    };
    yield JSON.stringify(safe) + '\n';
  }
}
