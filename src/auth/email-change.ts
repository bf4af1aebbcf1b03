import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { revokeSessionsOfUser } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { normaliseEmail } from '../shared/email.js';
import { hashToken, newSecretToken } from '../shared/tokens.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from '../audit/identity-events.js';
import { mailEmailChangeVerification, notifyEmailChanged } from './notify.js';
import * as store from './store.js';

export const emailChangeLifetimeMs = 60 * 60 * 1000;

/**
 * Starts an email change (the route demands a fresh step-up and `confirm`, ASVS 5.0 V7.5.1):
 * a single-use link goes to the NEW address, which changes nothing until it is followed. When
 * the address already belongs to someone else nothing is sent, and the answer is the same, so
 * the endpoint does not tell which addresses have users.
 */
export async function requestEmailChange(
  deps: IdentityDeps,
  userId: string,
  newEmailInput: string,
  context: RequestContext,
): Promise<void> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const newEmail = normaliseEmail(newEmailInput);
  const user = await store.findUserById(db, userId);
  if (!user) throw new AppError('auth.required');
  if (newEmail === user.email) {
    throw new AppError('request.invalid', 'That is already your address', {
      errors: [{ field: 'body/newEmail', message: 'is your current address' }],
    });
  }
  await db.transaction().execute(async (trx) => {
    await recordSecurityEvent(trx, {
      action: 'email.change_requested',
      userId: user.id,
      after: { email: newEmail },
      context,
      at: now,
    });
    await issueEmailChange(trx, deps, { userId: user.id, newEmail, requestedBy: null, now });
  });
}

/** An account admin who started a member's email change (see the members' admin actions). */
export interface EmailChangeRequester {
  accountId: string;
  memberId: string | null;
}

/**
 * Replaces any pending change of the user's address with a new single-use link to `newEmail`
 * (normalised), in the caller's transaction. When the address already has a user nothing is
 * sent, and the caller answers the same, so that no one learns which addresses have users.
 * Returns when the link would expire.
 */
export async function issueEmailChange(
  trx: Db,
  deps: IdentityDeps,
  change: { userId: string; newEmail: string; requestedBy: EmailChangeRequester | null; now: Date },
): Promise<Date> {
  const { userId, newEmail, requestedBy, now } = change;
  const expiresAt = new Date(now.getTime() + emailChangeLifetimeMs);
  await sql`delete from email_change_tokens where user_id = ${userId}`.execute(trx);
  if (await store.findUserByEmail(trx, newEmail)) return expiresAt;
  const token = newSecretToken();
  await sql`insert into email_change_tokens (token_hash, user_id, new_email, expires_at, created_at, requested_by_account_id, requested_by_member_id)
            values (${hashToken(token)}, ${userId}, ${newEmail}, ${expiresAt}, ${now}, ${requestedBy?.accountId ?? null}, ${requestedBy?.memberId ?? null})`.execute(
    trx,
  );
  await mailEmailChangeVerification(trx, deps, newEmail, token, expiresAt);
  return expiresAt;
}

/**
 * Completes an email change with the token from the verification mail. The old address is
 * told (ASVS 5.0 V6.3.7); reset links sent to the old address stop working. A change an
 * account admin started also ends every session of the person: someone else changed how they
 * sign in, so they sign in again with the new address.
 */
export async function confirmEmailChange(deps: IdentityDeps, token: string, context: RequestContext): Promise<void> {
  const now = deps.clock.now();
  const tokenHash = hashToken(token);
  try {
    await deps.access.commit(async (trx, changed) => {
      const { rows } = await sql<{
        user_id: string;
        new_email: string;
        requested_by_account_id: string | null;
        requested_by_member_id: string | null;
      }>`
        update email_change_tokens set used_at = ${now}
         where token_hash = ${tokenHash} and used_at is null and expires_at > ${now}
         returning user_id, new_email, requested_by_account_id, requested_by_member_id`.execute(trx);
      const claimed = rows[0];
      if (!claimed) throw new AppError('token.invalid');
      const before = await sql<{
        email: string;
      }>`select email from users where id = ${claimed.user_id} for update`.execute(trx);
      const oldEmail = before.rows[0].email;
      await sql`update users set email = ${claimed.new_email}, updated_at = ${now} where id = ${claimed.user_id}`.execute(
        trx,
      );
      await sql`delete from password_reset_tokens where user_id = ${claimed.user_id}`.execute(trx);
      changed({ kind: 'user', id: claimed.user_id });
      const byAdmin = claimed.requested_by_account_id !== null;
      const sessionsEnded = byAdmin ? await revokeSessionsOfUser(trx, claimed.user_id) : undefined;
      const after = byAdmin
        ? {
            email: claimed.new_email,
            requestedBy: { accountId: claimed.requested_by_account_id, memberId: claimed.requested_by_member_id },
            sessionsEnded,
          }
        : { email: claimed.new_email };
      await recordSecurityEvent(trx, {
        action: 'email.changed',
        userId: claimed.user_id,
        before: { email: oldEmail },
        after,
        context,
        at: now,
      });
      await notifyEmailChanged(trx, deps, oldEmail, claimed.new_email);
    });
  } catch (error) {
    // The address was taken by someone else between the request and the confirmation.
    if ((error as { code?: string }).code === '23505')
      throw new AppError('conflict', 'That address belongs to another user now');
    throw error;
  }
}
