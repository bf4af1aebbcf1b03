import { sql } from 'kysely';
import { open } from '../crypto/secret-box.js';
import type { Db } from '../db/database.js';
import { bodyAad } from './outbox.js';

export interface MailboxEntry {
  id: string;
  to: string;
  template: string;
  subject: string;
  status: string;
  transport: string | null;
  createdAt: Date;
  /** The plain-text body while it is kept (dev mailbox, or not yet delivered). */
  text: string | null;
  attempts: number;
  /** Why the last attempt failed (still retrying when pending; for good when failed). */
  lastError: string | null;
}

export type MailStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/**
 * Recent mail, newest first, with bodies decrypted: the local dev mailbox, and mail given up
 * (status `failed`).
 */
export async function readMailbox(
  db: Db,
  secretKey: Buffer,
  filter: { to?: string; id?: string; status?: MailStatus; limit?: number } = {},
): Promise<MailboxEntry[]> {
  const { rows } = await sql<{
    id: string;
    to_address: string;
    template: string;
    subject: string;
    status: string;
    transport: string | null;
    created_at: Date;
    text_body_encrypted: string | null;
    attempts: number;
    last_error: string | null;
  }>`
    select id, to_address, template, subject, status, transport, created_at, text_body_encrypted, attempts, last_error from mail_outbox
     where true ${filter.to ? sql`and to_address = ${filter.to.trim().toLowerCase()}` : sql``} ${filter.id ? sql`and id = ${filter.id}` : sql``}
       ${filter.status ? sql`and status = ${filter.status}` : sql``}
     order by created_at desc, id desc limit ${filter.limit ?? 20}`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    to: row.to_address,
    template: row.template,
    subject: row.subject,
    status: row.status,
    transport: row.transport,
    createdAt: row.created_at,
    text: row.text_body_encrypted ? open(secretKey, row.text_body_encrypted, bodyAad(row.id, 'text')) : null,
    attempts: Number(row.attempts),
    lastError: row.last_error,
  }));
}
