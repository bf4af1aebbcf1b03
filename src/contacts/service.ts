import { sql } from 'kysely';
import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { normaliseEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';

/** What a contact receives; they never sign in and never count as members (Monarx). */
export const contactTopics = ['billing', 'security', 'technical', 'general'] as const;
export type ContactTopic = (typeof contactTopics)[number];

export interface ContactView {
  id: string;
  email: string;
  name: string;
  topics: ContactTopic[];
  createdAt: Date;
  updatedAt: Date;
}

interface ContactRow {
  id: string;
  email: string;
  name: string;
  topics: ContactTopic[];
  created_at: Date;
  updated_at: Date;
}

const view = (row: ContactRow): ContactView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  topics: row.topics,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface ContactsDeps {
  access: AccessService;
  clock: Clock;
}

function db(deps: ContactsDeps): Db {
  return deps.access.database.db;
}

async function find(trx: Db, accountId: string, contactId: string): Promise<ContactRow> {
  const { rows } =
    await sql<ContactRow>`select * from contacts where account_id = ${accountId} and id = ${contactId} for update`.execute(
      trx,
    );
  if (!rows[0]) throw new AppError('contact.not_found');
  return rows[0];
}

function uniqueEmail<T>(write: Promise<T>): Promise<T> {
  return write.catch((error: unknown) => {
    if ((error as { code?: string }).code === '23505') throw new AppError('contact.email_taken');
    throw error;
  });
}

export async function listContacts(deps: ContactsDeps, access: AccountAccess): Promise<ContactView[]> {
  requirePermission(access, 'contacts.view');
  const { rows } =
    await sql<ContactRow>`select * from contacts where account_id = ${access.accountId} order by lower(name), email`.execute(
      db(deps),
    );
  return rows.map(view);
}

export async function createContact(
  deps: ContactsDeps,
  access: AccountAccess,
  input: { email: string; name?: string; topics?: ContactTopic[] },
): Promise<ContactView> {
  requirePermission(access, 'contacts.manage');
  const now = deps.clock.now();
  const row: ContactRow = {
    id: newId('ctc'),
    email: normaliseEmail(input.email),
    name: input.name?.trim() ?? '',
    topics: [...new Set<ContactTopic>(input.topics ?? ['general'])],
    created_at: now,
    updated_at: now,
  };
  await db(deps)
    .transaction()
    .execute(async (trx) => {
      await uniqueEmail(
        sql`insert into contacts (account_id, id, email, name, topics, created_at, updated_at)
      values (${access.accountId}, ${row.id}, ${row.email}, ${row.name}, ${row.topics}, ${now}, ${now})`.execute(trx),
      );
      await recordAccessEvent(trx, access, now, {
        action: 'contact.created',
        target: { type: 'contact', id: row.id, name: row.email },
        after: view(row),
      });
    });
  return view(row);
}

export async function updateContact(
  deps: ContactsDeps,
  access: AccountAccess,
  contactId: string,
  input: { email?: string; name?: string; topics?: ContactTopic[] },
): Promise<ContactView> {
  requirePermission(access, 'contacts.manage');
  const now = deps.clock.now();
  return db(deps)
    .transaction()
    .execute(async (trx) => {
      const before = await find(trx, access.accountId, contactId);
      const after: ContactRow = {
        ...before,
        email: input.email !== undefined ? normaliseEmail(input.email) : before.email,
        name: input.name?.trim() ?? before.name,
        topics: input.topics ? [...new Set(input.topics)] : before.topics,
        updated_at: now,
      };
      await uniqueEmail(
        sql`update contacts set email = ${after.email}, name = ${after.name}, topics = ${after.topics}, updated_at = ${now}
      where account_id = ${access.accountId} and id = ${contactId}`.execute(trx),
      );
      await recordAccessEvent(trx, access, now, {
        action: 'contact.updated',
        target: { type: 'contact', id: contactId, name: after.email },
        before: view(before),
        after: view(after),
      });
      return view(after);
    });
}

export async function deleteContact(deps: ContactsDeps, access: AccountAccess, contactId: string): Promise<void> {
  requirePermission(access, 'contacts.manage');
  const now = deps.clock.now();
  await db(deps)
    .transaction()
    .execute(async (trx) => {
      const before = await find(trx, access.accountId, contactId);
      await sql`delete from contacts where account_id = ${access.accountId} and id = ${contactId}`.execute(trx);
      await recordAccessEvent(trx, access, now, {
        action: 'contact.removed',
        target: { type: 'contact', id: contactId, name: before.email },
        before: view(before),
      });
    });
}
