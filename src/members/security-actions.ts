import { sql } from 'kysely';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import type { IdentityDeps } from '../auth/deps.js';
import { issueEmailChange } from '../auth/email-change.js';
import { notifyTwoFactorChanged } from '../auth/notify.js';
import { deleteRecoveryCodes } from '../auth/recovery-codes.js';
import { clearTotp } from '../auth/store.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import { normaliseEmail } from '../shared/email.js';
import { assertCanManage } from '../access/no-escalation.js';
import type { MembersDeps } from './service.js';
import * as store from './store.js';
import { type MemberView, memberView } from './view.js';

// An admin's help with a member's sign-in (Wompi "Enable/disable two-factor authentication",
// Juspay "Update Email"). The routes demand a fresh step-up and "confirm": true (PRODUCT rule
// 7). Managing rules as for a role change: users.edit, never the owner, never oneself (people
// use /v1/me for their own), and only a member whose access the admin covers.

export type SecurityActionsDeps = MembersDeps & IdentityDeps;

/**
 * Locks the acting and the target member rows and returns the target's, once the target is
 * active; 404 for another account's id (the snapshot lookup), as for every member action.
 */
async function lockActiveTarget(
  deps: SecurityActionsDeps,
  access: AccountAccess,
  trx: Db,
  memberId: string,
  what: string,
) {
  const actorId = access.member?.snapshot.memberId;
  const locked = await store.lockMembers(trx, access.accountId, actorId ? [memberId, actorId] : [memberId]);
  if (actorId && locked.get(actorId)?.status !== 'active')
    throw new AppError('authz.forbidden', 'Your membership is no longer active');
  const current = locked.get(memberId);
  if (!current || current.status === 'removed') throw new AppError('member.not_found');
  if (current.is_owner) throw new AppError('member.owner_protected');
  if (current.status === 'inactive') throw new AppError('member.inactive', `Reactivate the member before you ${what}`);
  if (current.status !== 'active')
    throw new AppError(
      'member.not_active',
      `The member has not joined yet; revoke the invitation and invite them again instead of trying to ${what}`,
    );
  const row = await store.findMember(trx, access.accountId, memberId);
  return row!;
}

/** The checks every admin security action makes before it touches the database. */
async function authorise(deps: SecurityActionsDeps, access: AccountAccess, memberId: string): Promise<void> {
  requirePermission(access, 'users.edit');
  const entry = await deps.access.member(memberId);
  if (!entry || entry.snapshot.accountId !== access.accountId) throw new AppError('member.not_found');
  assertCanManage(access, entry.snapshot);
}

/**
 * Resets a member's two-factor authentication for someone who lost their authenticator and
 * their recovery codes (otherwise locked out for good): the TOTP seed and recovery codes are
 * deleted, every session of the person ends, and they must enrol again at their next sign-in
 * (their password is still needed, so the reset lets nobody else in). They are mailed a
 * notice. API keys keep working: a lost phone does not expose them, and revoking them would
 * break the merchant's integrations; an admin revokes keys separately when they are at risk.
 */
export async function resetMemberTwoFactor(
  deps: SecurityActionsDeps,
  access: AccountAccess,
  memberId: string,
): Promise<MemberView> {
  await authorise(deps, access, memberId);
  const now = deps.clock.now();
  return deps.access.commit(async (trx, changed) => {
    const target = await lockActiveTarget(deps, access, trx, memberId, 'reset their two-factor authentication');
    if (!target.two_factor_enabled)
      throw new AppError(
        'two_factor.not_enrolled',
        'The member has no two-factor authentication to reset; they enrol at their next sign-in',
      );
    const { rows } = await sql<{
      count: number;
    }>`select count(*)::int as count from recovery_codes where user_id = ${target.user_id} and used_at is null`.execute(
      trx,
    );
    await clearTotp(trx, target.user_id, now);
    await deleteRecoveryCodes(trx, target.user_id);
    changed({ kind: 'user', id: target.user_id });
    const sessionsEnded = await deps.endSessions(trx, target.user_id);
    await recordAccessEvent(trx, access, now, {
      action: 'member.two_factor_reset',
      target: { type: 'member', id: memberId, name: target.name || target.email },
      before: { twoFactorEnabled: true, recoveryCodesLeft: rows[0].count },
      after: { twoFactorEnabled: false, recoveryCodesLeft: 0, sessionsEnded },
    });
    await notifyTwoFactorChanged(trx, deps, target.email, 'reset', now);
    return memberView(deps.catalog, (await store.findMember(trx, access.accountId, memberId))!);
  });
}

/**
 * Starts changing a member's email address (PRODUCT rule 5: only through a verified flow): a
 * single-use link goes to the NEW address, and nothing changes until it is followed; then the
 * old address is told and every session of the person ends. Only for a person whose sole
 * membership is in this account: the address is their sign-in and password-reset channel in
 * every account they belong to, and one account's admin must not redirect it for the others.
 * When the address already has a user nothing is sent and the answer is the same.
 */
export async function requestMemberEmailChange(
  deps: SecurityActionsDeps,
  access: AccountAccess,
  memberId: string,
  newEmailInput: string,
): Promise<{ newEmail: string; expiresAt: Date }> {
  await authorise(deps, access, memberId);
  const newEmail = normaliseEmail(newEmailInput);
  const now = deps.clock.now();
  return deps.access.commit(async (trx) => {
    const target = await lockActiveTarget(deps, access, trx, memberId, 'change their email');
    if (newEmail === target.email) {
      throw new AppError('request.invalid', 'That is already the member’s address', {
        errors: [{ field: 'body/newEmail', message: 'is the member’s current address' }],
      });
    }
    const { rows } =
      await sql`select 1 from members where user_id = ${target.user_id} and id <> ${memberId} and status <> 'removed' limit 1`.execute(
        trx,
      );
    if (rows.length > 0)
      throw new AppError(
        'member.identity_shared',
        'This person belongs to other accounts too; they change their email themselves (POST /v1/me/email-change)',
      );
    const expiresAt = await issueEmailChange(trx, deps, {
      userId: target.user_id,
      newEmail,
      requestedBy: { accountId: access.accountId, memberId: access.member?.snapshot.memberId ?? null },
      now,
    });
    await recordAccessEvent(trx, access, now, {
      action: 'member.email_change_requested',
      target: { type: 'member', id: memberId, name: target.name || target.email },
      before: { email: target.email },
      after: { email: newEmail, expiresAt },
    });
    return { newEmail, expiresAt };
  });
}
