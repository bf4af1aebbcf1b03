import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailWorker } from '../../../src/mail/worker.js';
import { systemClock } from '../../../src/shared/clock.js';
import { createTestDatabase, engine, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  // No tables: every delivery round fails, as it would with the database going away.
  database = await createTestDatabase({ empty: true });
});
afterAll(() => database.drop());

describe(`the mail worker on ${engine}`, () => {
  it('stops cleanly while a delivery round is failing, and logs the failure', async () => {
    const errors: string[] = [];
    const worker = new MailWorker({
      database,
      clock: systemClock,
      secretKey: Buffer.alloc(32, 7),
      from: 'Gatehouse <no-reply@gatehouse.test>',
      logger: {
        info: () => {},
        warn: () => {},
        error: (o: object, message?: string) =>
          void errors.push(`${message} ${String((o as { err?: Error }).err?.message)}`),
      } as never,
    });
    await worker.start();
    await expect(worker.stop()).resolves.toBeUndefined();
    expect(errors.join('\n')).toMatch(/mail delivery round failed .*mail_outbox/);
  });
});
