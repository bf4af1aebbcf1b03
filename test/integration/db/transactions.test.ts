import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

// Kysely's transactions on both stores (on PGlite the driver sends begin, commit and rollback
// itself, over the simple protocol): what commits stays, what throws leaves nothing, and a
// failed statement does not leave the connection inside an aborted transaction.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  await sql`create table ledger (id int primary key, note text not null)`.execute(database.db);
});
afterAll(() => database.drop());

const notes = async () =>
  (await sql<{ note: string }>`select note from ledger order by id`.execute(database.db)).rows.map((row) => row.note);

it('keeps what a transaction commits and nothing of one that throws', async () => {
  await database.db.transaction().execute(async (trx) => {
    await sql`insert into ledger values (1, 'kept')`.execute(trx);
    await sql`insert into ledger values (2, 'kept too')`.execute(trx);
  });
  await expect(
    database.db.transaction().execute(async (trx) => {
      await sql`insert into ledger values (3, 'undone')`.execute(trx);
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  expect(await notes()).toEqual(['kept', 'kept too']);
});

it('rolls back a transaction whose statement failed, and the next one works', async () => {
  await expect(
    database.db.transaction().execute(async (trx) => {
      await sql`insert into ledger values (4, 'undone')`.execute(trx);
      await sql`insert into ledger values (1, 'a duplicate key')`.execute(trx);
    }),
  ).rejects.toThrow(/duplicate key/);
  await database.db.transaction().execute(async (trx) => {
    await sql`insert into ledger values (5, 'after the failure')`.execute(trx);
  });
  expect(await notes()).toEqual(['kept', 'kept too', 'after the failure']);
});

it('fails a commit that breaks a deferred constraint, keeping nothing of it', async () => {
  await sql`create table pairs (id int primary key, partner int references pairs (id) deferrable initially deferred)`.execute(
    database.db,
  );
  await expect(
    database.db.transaction().execute(async (trx) => {
      await sql`insert into pairs values (1, 2)`.execute(trx);
    }),
  ).rejects.toThrow(/foreign key/);
  expect((await sql`select * from pairs`.execute(database.db)).rows).toEqual([]);
  await database.db.transaction().execute(async (trx) => {
    await sql`insert into pairs values (1, 2)`.execute(trx);
    await sql`insert into pairs values (2, 1)`.execute(trx);
  });
  expect((await sql`select count(*)::int as n from pairs`.execute(database.db)).rows).toEqual([{ n: 2 }]);
});
