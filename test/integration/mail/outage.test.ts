import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMailbox } from '../../../src/mail/mailbox.js';
import { enqueueMail } from '../../../src/mail/outbox.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { FailingQueries, withFailingQueries } from '../../support/failing-queries.js';

/** A real SMTP server that can go away and come back on the same port. */
let received: ParsedMail[] = [];
let onAccept: (() => void) | undefined;
let server: SMTPServer | undefined;
let port = 0;

async function startSmtp(): Promise<void> {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        onAccept?.();
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
}

async function stopSmtp(): Promise<void> {
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
}

const faults = new FailingQueries();
const logs: { level: number; msg: string; mailId?: string }[] = [];
let database: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  await startSmtp();
  database = await createTestDatabase();
  t = await createTestApp({
    database: withFailingQueries(database, faults),
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: 'info' },
    logStream: {
      write: (chunk: string) =>
        void logs.push(
          ...chunk
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line)),
        ),
    },
  });
  // Deliveries happen when the tests drain, not behind their backs on NOTIFY or the poll.
  await t.app.deps.mail.stop();
});
afterAll(async () => {
  await t.close();
  await database.drop();
  if (server) await stopSmtp();
});

const day = 24 * 3600_000;
const queue = (to: string) =>
  t.database.db
    .transaction()
    .execute((trx) =>
      enqueueMail(
        trx,
        { to, template: 'security_password_changed', data: { at: t.clock.now().toISOString() } },
        { config: t.app.deps.config, secretKey: t.app.deps.secretKey, clock: t.clock },
      ),
    );
const rowOf = async (id: string) =>
  (
    await sql<{
      status: string;
      attempts: number;
      next_attempt_at: Date;
      last_error: string | null;
    }>`select status, attempts, next_attempt_at, last_error from mail_outbox where id = ${id}`.execute(t.database.db)
  ).rows[0];

/** Drains whenever the mail is due, until `until` (ms after now); returns the longest wait between attempts. */
async function retryUntil(id: string, untilMs: number): Promise<number> {
  const end = t.clock.now().getTime() + untilMs;
  let longestWait = 0;
  while (t.clock.now().getTime() < end) {
    await t.app.deps.mail.drain();
    const row = await rowOf(id);
    if (row.status !== 'pending') break;
    const wait = row.next_attempt_at.getTime() - t.clock.now().getTime();
    longestWait = Math.max(longestWait, wait);
    t.clock.advance(Math.max(1, wait));
  }
  return longestWait;
}

describe('mail while the SMTP server is away (issue 13.10)', () => {
  it('keeps retrying for days, an hour apart at most, and delivers once the server is back', async () => {
    await stopSmtp();
    received = [];
    const id = await queue('patient@example.com');
    const longestWait = await retryUntil(id, 2.9 * day);
    const waiting = await rowOf(id);
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBeGreaterThan(60);
    expect(longestWait).toBeLessThanOrEqual(3600_000);

    await startSmtp();
    t.clock.advance(3600_000);
    await t.app.deps.mail.drain();
    expect((await rowOf(id)).status).toBe('delivered');
    expect(received.map((mail) => mail.to && JSON.stringify(mail.to))).toEqual([
      expect.stringContaining('patient@example.com'),
    ]);
  });

  it('gives up after 3 days: status failed, logged as an error, listed as failed mail', async () => {
    await stopSmtp();
    logs.length = 0;
    const id = await queue('unlucky@example.com');
    await retryUntil(id, 3.1 * day);
    const row = await rowOf(id);
    expect(row.status).toBe('failed');
    expect(row.last_error).toBeTruthy();
    expect(logs.filter((line) => line.mailId === id && line.level === 50)).toEqual([
      expect.objectContaining({ msg: expect.stringContaining('given up') }),
    ]);
    const failed = await readMailbox(t.database.db, t.app.deps.secretKey, { status: 'failed' });
    expect(failed).toEqual([
      expect.objectContaining({ id, to: 'unlucky@example.com', status: 'failed', lastError: row.last_error }),
    ]);
    await startSmtp();
  });
});

describe('mail the SMTP server accepted while the database was away (issue 13.10)', () => {
  it('goes out once, with one Message-ID of its own, when the database comes back', async () => {
    received = [];
    const id = await queue('once@example.com');
    // The database goes away right as the SMTP server accepts the mail, so the delivery cannot be recorded.
    onAccept = () => faults.down(/mail_outbox/);
    await expect(t.app.deps.mail.drain()).rejects.toThrow();
    onAccept = undefined;
    expect(received).toHaveLength(1);

    faults.up();
    // Past the claim's lease and any back-off: the mail would be due again if it were not known as sent.
    t.clock.advance(3600_000);
    await t.app.deps.mail.drain();
    await t.app.deps.mail.drain();
    expect(received).toHaveLength(1);
    expect((await rowOf(id)).status).toBe('delivered');
    expect(received[0].messageId).toBe(`<${id}@gatehouse.localhost>`);
  });
});
