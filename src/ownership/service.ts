import { sql } from 'kysely';
import type { AccessService } from '../access/access-service.js';
import { type AccountAccess } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import { lockMembers } from '../members/store.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { SendMail } from '../mail/outbox.js';

export interface OwnershipDeps {
  access: AccessService;
  clock: Clock;
  /** Queues the offer mail to the new owner inside the offering transaction. */
  sendMail: SendMail;
}

export interface TransferView {
  id: string;
  fromMemberId: string;
  toMemberId: string;
  status: 'pending' | 'accepted' | 'cancelled';
  expiresAt: Date;
  createdAt: Date;
}

interface TransferRow {
  id: string;
  from_member_id: string;
  to_member_id: string;
  status: TransferView['status'];
  expires_at: Date;
  created_at: Date;
}

const transferLifetimeMs = 72 * 3600_000;

const view = (row: TransferRow): TransferView => ({
  id: row.id,
  fromMemberId: row.from_member_id,
  toMemberId: row.to_member_id,
  status: row.status,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

function actingMemberId(access: AccountAccess): string {
  if (!access.member)
    throw new AppError('authz.forbidden', 'Ownership moves between people: the owner offers, the new owner accepts');
  return access.member.snapshot.memberId;
}

/** The owner offers ownership to an active member (who must accept with their own step-up). */
export async function offerOwnership(
  deps: OwnershipDeps,
  access: AccountAccess,
  toMemberId: string,
): Promise<TransferView> {
  const fromMemberId = actingMemberId(access);
  if (!access.member!.snapshot.isOwner) throw new AppError('authz.forbidden', 'Only the owner can transfer ownership');
  if (toMemberId === fromMemberId) throw new AppError('authz.self_change', 'You already own this account');
  const now = deps.clock.now();
  return deps.access.database.db.transaction().execute(async (trx) => {
    // Offers of one account take turns: each sees the one before it committed, so a burst of
    // offers (a double click, a retrying client) makes one offer and one mail, not a race on
    // the one-pending-offer index.
    await sql`select id from accounts where id = ${access.accountId} for no key update`.execute(trx);
    const target = (await lockMembers(trx, access.accountId, [toMemberId])).get(toMemberId);
    if (!target || target.status === 'removed') throw new AppError('member.not_found');
    if (target.status !== 'active')
      throw new AppError('member.not_active', 'Ownership can go only to an active member');
    const { rows: pending } = await sql<{ to_member_id: string }>`
      select to_member_id from ownership_transfers where account_id = ${access.accountId} and status = 'pending' and expires_at > ${now}`.execute(
      trx,
    );
    if (pending[0]?.to_member_id === toMemberId)
      throw new AppError('transfer.pending', 'This member already has a pending offer; withdraw it to make a new one');
    await sql`update ownership_transfers set status = 'cancelled', decided_at = ${now} where account_id = ${access.accountId} and status = 'pending'`.execute(
      trx,
    );
    const row: TransferRow = {
      id: newId('xfr'),
      from_member_id: fromMemberId,
      to_member_id: toMemberId,
      status: 'pending',
      expires_at: new Date(now.getTime() + transferLifetimeMs),
      created_at: now,
    };
    await sql`insert into ownership_transfers (account_id, id, from_member_id, to_member_id, status, expires_at, created_at)
              values (${access.accountId}, ${row.id}, ${fromMemberId}, ${toMemberId}, 'pending', ${row.expires_at}, ${now})`.execute(
      trx,
    );
    const { rows: recipients } = await sql<{ email: string; account_name: string }>`
      select m.email, a.name as account_name from members m join accounts a on a.id = m.account_id where m.account_id = ${access.accountId} and m.id = ${toMemberId}`.execute(
      trx,
    );
    await deps.sendMail(trx, {
      to: recipients[0].email,
      accountId: access.accountId,
      template: 'ownership_transfer',
      data: {
        accountName: recipients[0].account_name,
        fromName: access.member!.row.user_name || access.member!.row.user_email,
      },
    });
    await recordAccessEvent(trx, access, now, {
      action: 'ownership.offered',
      target: { type: 'member', id: toMemberId },
      after: { expiresAt: row.expires_at },
    });
    return view(row);
  });
}

export async function pendingTransfer(deps: OwnershipDeps, access: AccountAccess): Promise<TransferView | null> {
  const { rows } =
    await sql<TransferRow>`select * from ownership_transfers where account_id = ${access.accountId} and status = 'pending' and expires_at > ${deps.clock.now()}`.execute(
      deps.access.database.db,
    );
  const row = rows[0];
  if (!row) return null;
  const memberId = access.member?.snapshot.memberId;
  // Only the two people concerned (or the platform) see a pending offer.
  if (access.member && memberId !== row.from_member_id && memberId !== row.to_member_id) return null;
  return view(row);
}

/**
 * The offered member accepts: in one transaction the old owner becomes an Administrator and
 * the new owner takes every permission (PRODUCT rule 1). Both rows are locked in id order.
 */
export async function acceptOwnership(deps: OwnershipDeps, access: AccountAccess): Promise<TransferView> {
  const toMemberId = actingMemberId(access);
  const now = deps.clock.now();
  return deps.access.commit(async (trx, changed) => {
    const { rows } = await sql<TransferRow>`
      select * from ownership_transfers where account_id = ${access.accountId} and status = 'pending' and to_member_id = ${toMemberId} and expires_at > ${now} for update`.execute(
      trx,
    );
    const transfer = rows[0];
    if (!transfer) throw new AppError('transfer.not_found');
    const locked = await lockMembers(trx, access.accountId, [transfer.from_member_id, toMemberId]);
    if (!locked.get(transfer.from_member_id)?.is_owner)
      throw new AppError('transfer.not_found', 'The offer is no longer valid');
    if (locked.get(toMemberId)?.status !== 'active') throw new AppError('member.not_active');
    // Unset first: the partial unique index allows one owner at a time.
    await sql`update members set is_owner = false, builtin_role = 'administrator', role_id = null, permissions = null, updated_at = ${now}
              where account_id = ${access.accountId} and id = ${transfer.from_member_id}`.execute(trx);
    await sql`update members set is_owner = true, builtin_role = 'owner', role_id = null, permissions = null, profile_ids = null,
                     resource_scope = '{}'::jsonb, updated_at = ${now}
              where account_id = ${access.accountId} and id = ${toMemberId}`.execute(trx);
    await sql`update ownership_transfers set status = 'accepted', decided_at = ${now} where account_id = ${access.accountId} and id = ${transfer.id}`.execute(
      trx,
    );
    changed({ kind: 'member', id: transfer.from_member_id }, { kind: 'member', id: toMemberId });
    await recordAccessEvent(trx, access, now, {
      action: 'ownership.transferred',
      target: { type: 'account', id: access.accountId },
      before: { ownerMemberId: transfer.from_member_id },
      after: { ownerMemberId: toMemberId, previousOwnerRole: 'administrator' },
    });
    return view({ ...transfer, status: 'accepted' });
  });
}

/** The owner withdraws a pending offer. */
export async function cancelOwnershipOffer(deps: OwnershipDeps, access: AccountAccess): Promise<void> {
  actingMemberId(access);
  if (!access.member!.snapshot.isOwner) throw new AppError('authz.forbidden', 'Only the owner can withdraw the offer');
  const now = deps.clock.now();
  await deps.access.database.db.transaction().execute(async (trx) => {
    const result =
      await sql`update ownership_transfers set status = 'cancelled', decided_at = ${now} where account_id = ${access.accountId} and status = 'pending'`.execute(
        trx,
      );
    if (Number(result.numAffectedRows ?? 0) === 0) throw new AppError('transfer.not_found');
    await recordAccessEvent(trx, access, now, {
      action: 'ownership.offer_cancelled',
      target: { type: 'account', id: access.accountId },
    });
  });
}
