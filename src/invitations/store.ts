import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface InvitationRow {
  account_id: string;
  id: string;
  member_id: string;
  email: string;
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: Date;
  invited_by_member_id: string | null;
  invited_by_name: string;
  send_count: number;
  last_sent_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
  /** From the invited member row: what accepting will grant. */
  builtin_role: string | null;
  role_id: string | null;
  role_name: string | null;
  is_owner: boolean;
}

const selectInvitation = sql`
  select i.*, m.builtin_role, m.role_id, m.is_owner, r.name as role_name
    from invitations i
    join members m on m.account_id = i.account_id and m.id = i.member_id
    left join roles r on r.account_id = m.account_id and r.id = m.role_id`;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export async function findInvitation(
  db: Db,
  accountId: string,
  invitationId: string,
  forUpdate = false,
): Promise<InvitationRow | undefined> {
  const { rows } = await sql<InvitationRow>`
    ${selectInvitation} where i.account_id = ${accountId} and i.id = ${invitationId} ${forUpdate ? sql`for update of i` : sql``}`.execute(
    db,
  );
  return rows[0];
}

export async function findInvitationByToken(db: Db, tokenHash: Buffer): Promise<InvitationRow | undefined> {
  const { rows } = await sql<InvitationRow>`${selectInvitation} where i.token_hash = ${tokenHash}`.execute(db);
  return rows[0];
}

/** Lists invitations, newest first; 'expired' is a pending one past its time. */
export async function listInvitations(
  db: Db,
  accountId: string,
  status: InvitationStatus | undefined,
  now: Date,
  limit: number,
  before?: { createdAt: Date; id: string },
): Promise<InvitationRow[]> {
  const filter =
    status === 'expired'
      ? sql`and i.status = 'pending' and i.expires_at <= ${now}`
      : status === 'pending'
        ? sql`and i.status = 'pending' and i.expires_at > ${now}`
        : status
          ? sql`and i.status = ${status}`
          : sql``;
  const { rows } = await sql<InvitationRow>`
    ${selectInvitation} where i.account_id = ${accountId} ${filter}
      ${before ? sql`and (i.created_at, i.id) < (${before.createdAt}, ${before.id})` : sql``}
    order by i.created_at desc, i.id desc limit ${limit}`.execute(db);
  return rows;
}

/** Puts a new token on a pending (or expired) invitation: the old link stops working at once. */
export async function renewToken(
  db: Db,
  accountId: string,
  invitationId: string,
  tokenHash: Buffer,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  const result = await sql`
    update invitations set token_hash = ${tokenHash}, expires_at = ${expiresAt}, send_count = send_count + 1, last_sent_at = ${now}
     where account_id = ${accountId} and id = ${invitationId} and status = 'pending'`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function revokeInvitation(db: Db, accountId: string, invitationId: string, now: Date): Promise<boolean> {
  const result = await sql`
    update invitations set status = 'revoked', revoked_at = ${now} where account_id = ${accountId} and id = ${invitationId} and status = 'pending'`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function revokeMemberInvitations(db: Db, accountId: string, memberId: string, now: Date): Promise<void> {
  await sql`update invitations set status = 'revoked', revoked_at = ${now} where account_id = ${accountId} and member_id = ${memberId} and status = 'pending'`.execute(
    db,
  );
}

/**
 * Consumes the invitation: the one conditional update that decides a race of parallel
 * accepts. Returns the row only to the single caller that won it.
 */
export async function consumeInvitation(
  db: Db,
  tokenHash: Buffer,
  now: Date,
): Promise<{ id: string; account_id: string; member_id: string; email: string } | undefined> {
  const { rows } = await sql<{ id: string; account_id: string; member_id: string; email: string }>`
    update invitations set status = 'accepted', accepted_at = ${now}
     where token_hash = ${tokenHash} and status = 'pending' and expires_at > ${now}
    returning id, account_id, member_id, email`.execute(db);
  return rows[0];
}

/** A live membership of this email in the account, if any (invited, active or inactive). */
export async function liveMemberByEmail(
  db: Db,
  accountId: string,
  email: string,
): Promise<{ id: string; status: string } | undefined> {
  const { rows } = await sql<{ id: string; status: string }>`
    select m.id, m.status from members m join users u on u.id = m.user_id
     where m.account_id = ${accountId} and u.email = ${email} and m.status <> 'removed'`.execute(db);
  return rows[0];
}
