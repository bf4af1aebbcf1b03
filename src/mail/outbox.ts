import { sql } from 'kysely';
import type { Config } from '../config/config.js';
import { seal } from '../crypto/secret-box.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { type MailMessage, renderMail } from './templates.js';

export const mailChannel = 'gatehouse_mail';

export interface MailDeps {
  config: Pick<Config, 'publicUrl'>;
  secretKey: Buffer;
  clock: Clock;
}

export type OutgoingMail = MailMessage & { to: string; accountId?: string | null };

/** How services queue mail: inside their own transaction. */
export type SendMail = (trx: Db, message: OutgoingMail) => Promise<void>;

/** The associated data that binds a sealed body to its row and part. */
export const bodyAad = (id: string, part: 'text' | 'html') => `mail:${id}:${part}`;

/**
 * Queues an email inside the caller's transaction: it exists (and goes out) exactly when the
 * change that sends it commits. Rendered now, stored encrypted; the worker is woken on commit.
 *
 * @example
 * await enqueueMail(trx, { to: 'ana@example.com', template: 'password_reset', data: { token, expiresAt } }, deps);
 */
export async function enqueueMail(db: Db, message: OutgoingMail, deps: MailDeps): Promise<string> {
  const id = newId('evt').replace('evt_', 'mail_');
  const rendered = renderMail(message, deps.config.publicUrl);
  const now = deps.clock.now();
  await sql`
    insert into mail_outbox (id, account_id, to_address, template, subject, text_body_encrypted, html_body_encrypted, next_attempt_at, created_at)
    values (${id}, ${message.accountId ?? null}, ${message.to}, ${message.template}, ${rendered.subject},
            ${seal(deps.secretKey, rendered.text, bodyAad(id, 'text'))}, ${seal(deps.secretKey, rendered.html, bodyAad(id, 'html'))}, ${now}, ${now})`.execute(
    db,
  );
  await sql`select pg_notify(${mailChannel}, ${id})`.execute(db);
  return id;
}
