import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { open } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { bodyAad, mailChannel } from './outbox.js';

/** What sends one message; nodemailer's SMTP transport in production. */
export interface MailTransport {
  send(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }): Promise<void>;
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return { send: async (message) => void (await transporter.sendMail(message)) };
}

interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  text_body_encrypted: string | null;
  html_body_encrypted: string | null;
  attempts: number;
  created_at: Date;
}

export interface MailWorkerOptions {
  database: Database;
  clock: Clock;
  secretKey: Buffer;
  from: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Absent: the local dev mailbox (mail is kept, readable with `gatehouse mail`). */
  transport?: MailTransport;
  pollMs?: number;
  /** How long a mail is retried before it is given up (default 3 days). */
  retryForMs?: number;
}

const batchSize = 20;
const leaseMs = 5 * 60_000;
const baseBackoffMs = 30_000;
/** An SMTP relay down for a weekend still gets every mail, at most an hour after it is back. */
export const maxBackoffMs = 3600_000;
export const defaultRetryForMs = 3 * 24 * 3600_000;

/** Exponential back-off with jitter: about 30 s, 1 min, 2 min … never more than an hour. */
export function backoffMs(attempts: number): number {
  const base = Math.min(maxBackoffMs, baseBackoffMs * 2 ** Math.min(20, Math.max(0, attempts - 1)));
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

/**
 * `<mail_…@domain>`: one Message-ID per outbox row, whatever the attempt, so a copy is
 * recognisable as one.
 */
export function messageIdOf(mailId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'gatehouse.localhost';
  return `<${mailId}@${domain}>`;
}

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several
 * instances never send one mail twice and a crashed instance's claims come due again. It is
 * woken by NOTIFY when a queuing transaction commits, and polls as a safety net.
 *
 * A mail the SMTP server accepted while the database could not record it (down, restarting)
 * is remembered here and recorded as delivered before anything is claimed again, so the
 * lapsed lease does not send it a second time. Failed sends are retried with back-off for
 * `retryForMs` (3 days), then the mail is marked failed and logged at error level.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly retryForMs: number;
  /** Ids the SMTP server accepted whose delivery is not recorded yet. */
  private readonly accepted = new Set<string>();

  constructor(private readonly options: MailWorkerOptions) {
    this.retryForMs = options.retryForMs ?? defaultRetryForMs;
  }

  async start(): Promise<void> {
    this.unlisten = await this.options.database.listen(mailChannel, () => this.wake());
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 2000);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
    // Let a round in flight finish; its failure is already logged by wake() and must not
    // fail the shutdown (the database may be what is going away).
    await this.running?.catch(() => {});
  }

  /** Runs a delivery round soon (never two at once). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.drain().catch((error: unknown) => this.options.logger.error({ err: error }, 'mail delivery round failed'));
  }

  /** Delivers everything due now; resolves with how many were handled. Tests call this. */
  drain(): Promise<number> {
    if (this.running) return this.running.then(() => this.drain());
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
    return this.running;
  }

  private async loop(): Promise<number> {
    let handled = 0;
    // Recorded first: until then a lapsed lease could hand an accepted mail out again.
    for (const id of [...this.accepted]) await this.markDelivered(id);
    for (;;) {
      const rows = await this.claim();
      if (rows.length === 0) return handled;
      for (const row of rows) await this.deliver(row);
      handled += rows.length;
    }
  }

  private async claim(): Promise<OutboxRow[]> {
    const now = this.options.clock.now();
    const { rows } = await sql<OutboxRow>`
      update mail_outbox set status = 'sending', attempts = attempts + 1, lease_until = ${new Date(now.getTime() + leaseMs)}
       where id in (
         select id from mail_outbox
          where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until <= ${now})
          order by created_at limit ${batchSize} for update skip locked)
      returning id, to_address, subject, text_body_encrypted, html_body_encrypted, attempts, created_at`.execute(
      this.options.database.db,
    );
    return rows;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const db = this.options.database.db;
    const { transport, secretKey, logger } = this.options;
    if (!transport) {
      await sql`update mail_outbox set status = 'delivered', transport = 'dev-mailbox', delivered_at = ${this.options.clock.now()}, lease_until = null where id = ${row.id}`.execute(
        db,
      );
      // Recipient and subject only: the body holds a single-use link.
      logger.info(
        { mailId: row.id, to: row.to_address, subject: row.subject },
        'mail kept in the dev mailbox (gatehouse mail)',
      );
      return;
    }
    if (this.accepted.has(row.id)) {
      await this.markDelivered(row.id);
      return;
    }
    try {
      await transport.send({
        from: this.options.from,
        to: row.to_address,
        subject: row.subject,
        text: open(secretKey, row.text_body_encrypted ?? '', bodyAad(row.id, 'text')),
        html: open(secretKey, row.html_body_encrypted ?? '', bodyAad(row.id, 'html')),
        messageId: messageIdOf(row.id, this.options.from),
      });
    } catch (error) {
      await this.failed(row, error);
      return;
    }
    this.accepted.add(row.id);
    await this.markDelivered(row.id);
  }

  /** Records an accepted mail as delivered; the bodies (and their links) have no reason to stay. */
  private async markDelivered(id: string): Promise<void> {
    await sql`update mail_outbox set status = 'delivered', transport = 'smtp', delivered_at = ${this.options.clock.now()}, lease_until = null,
              text_body_encrypted = null, html_body_encrypted = null, last_error = null where id = ${id}`.execute(
      this.options.database.db,
    );
    this.accepted.delete(id);
  }

  private async failed(row: OutboxRow, error: unknown): Promise<void> {
    const { logger } = this.options;
    const message = (
      String((error as { responseCode?: number }).responseCode ?? '') +
      ' ' +
      ((error as Error).message ?? 'send failed')
    )
      .trim()
      .slice(0, 300);
    const now = this.options.clock.now();
    const givenUp = now.getTime() - row.created_at.getTime() >= this.retryForMs;
    const next = new Date(now.getTime() + backoffMs(row.attempts));
    await sql`update mail_outbox set status = ${givenUp ? 'failed' : 'pending'}, next_attempt_at = ${next}, lease_until = null,
              last_error = ${message} where id = ${row.id}`.execute(this.options.database.db);
    if (givenUp) {
      // Someone did not get a link or a security notice: an operator must look (gatehouse mail --failed).
      logger.error(
        { mailId: row.id, to: row.to_address, subject: row.subject, attempts: row.attempts, lastError: message },
        'mail delivery given up after retrying for the whole retry period',
      );
    } else {
      logger.warn(
        { mailId: row.id, attempts: row.attempts, nextAttemptAt: next, lastError: message },
        'mail delivery failed; will retry',
      );
    }
  }
}
