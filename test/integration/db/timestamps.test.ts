import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engine, type TestDatabase } from '../../support/database.js';

let database: TestDatabase | undefined;
beforeAll(async () => {
  if (engine === 'postgres') database = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await database?.drop();
});

// The pg driver's timestamptz parser is ours (src/db/timestamptz.ts); PGlite parses its own
// (and cannot read offsets with seconds, such as St John's before 1935).
describe.runIf(engine === 'postgres')('timestamps read back from PostgreSQL', () => {
  // Offsets with minutes (Kolkata, St John's, Kathmandu) and seconds (Amsterdam before 1937), dates before 1970.
  it.each(['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu', 'Europe/Amsterdam', 'America/Los_Angeles'])(
    'are the instants PostgreSQL holds, in TimeZone %s',
    async (zone) => {
      const rows = await database!.db.transaction().execute(async (trx) => {
        await sql`select set_config('TimeZone', ${zone}, true)`.execute(trx);
        const { rows } = await sql<{ at: Date; ms: string | number }>`
        select at, floor(extract(epoch from at) * 1000)::bigint as ms
          from (values (timestamptz '2026-11-29 07:08:24.123456+00'), (timestamptz '1920-06-01 12:00:00.5+00'), (timestamptz '1969-12-31 23:59:59.999+00'),
                       (timestamptz '2000-02-29 00:00:00+00'), (now())) as t(at)`.execute(trx);
        return rows;
      });
      for (const row of rows) {
        expect(row.at).toBeInstanceOf(Date);
        expect(row.at.getTime()).toBe(Number(row.ms));
      }
    },
  );
});
