import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { revokeSessionsOfUser } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { normaliseEmail } from '../shared/email.js';
import { hashToken, newSecretToken } from '../shared/tokens.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from '../audit/identity-events.js';
import { mailPasswordReset, notifyPasswordChanged } from './notify.js';
import { assertAcceptablePassword, hashPassword } from './password.js';
import * as store from './store.js';
import { forgiveAddress } from './throttle.js';

export const passwordResetLifetimeMs = 30 * 60 * 1000;
/** One reset mail per address per minute at most, so the endpoint cannot be used to flood an inbox. */
const resendIntervalMs = 60 * 1000;

/**
 * Mails a single-use reset link to the address if a user has it. The answer is the same
 * either way (ASVS 5.0 V6.3.8). The token has 256 bits, only its SHA-256 is stored, it lasts
 * 30 minutes, and a new request replaces any older link; within a minute of the last link a
 * request sends nothing.
 */
export async function requestPasswordReset(
  deps: IdentityDeps,
  emailInput: string,
  context: RequestContext,
): Promise<void> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const user = await store.findUserByEmail(db, normaliseEmail(emailInput));
  if (!user) return;
  await db.transaction().execute(async (trx) => {
    const recent = await sql<{ n: number }>`
      select 1 as n from password_reset_tokens
       where user_id = ${user.id} and used_at is null and created_at > ${new Date(now.getTime() - resendIntervalMs)}`.execute(
      trx,
    );
    if (recent.rows.length > 0) return;
    const { token, expiresAt } = await issuePasswordResetToken(trx, user.id, now);
    await recordSecurityEvent(trx, { action: 'password.reset_requested', userId: user.id, context, at: now });
    await mailPasswordReset(trx, deps, user.email, token, expiresAt);
  });
}

/**
 * A new reset token for the user, replacing any older one; the caller mails it (a reset
 * request, or the notice that sign-in was locked).
 */
export async function issuePasswordResetToken(
  trx: Db,
  userId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  await sql`delete from password_reset_tokens where user_id = ${userId}`.execute(trx);
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + passwordResetLifetimeMs);
  await sql`insert into password_reset_tokens (token_hash, user_id, expires_at, created_at)
            values (${hashToken(token)}, ${userId}, ${expiresAt}, ${now})`.execute(trx);
  return { token, expiresAt };
}

/**
 * Sets a new password with a reset token. It does NOT sign anyone in and leaves 2FA as it
 * was, so a stolen mailbox alone does not open the account (ASVS 5.0 V6.4.3); every session
 * of the user ends (V7.4.3). A weak password leaves the token usable for another try. The
 * address's failed attempts are forgiven: a sign-in lock ends with the old password.
 */
export async function confirmPasswordReset(
  deps: IdentityDeps,
  input: { token: string; newPassword: string },
  context: RequestContext,
): Promise<void> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const tokenHash = hashToken(input.token);
  const { rows } = await sql<{ user_id: string; email: string }>`
    select t.user_id, u.email from password_reset_tokens t join users u on u.id = t.user_id
     where t.token_hash = ${tokenHash} and t.used_at is null and t.expires_at > ${now}`.execute(db);
  const found = rows[0];
  if (!found) throw new AppError('token.invalid');
  assertAcceptablePassword(input.newPassword, found.email, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    const used = await sql`
      update password_reset_tokens set used_at = ${now}
       where token_hash = ${tokenHash} and used_at is null and expires_at > ${now}`.execute(trx);
    if (Number(used.numAffectedRows ?? 0) !== 1) throw new AppError('token.invalid');
    await sql`delete from password_reset_tokens where user_id = ${found.user_id} and token_hash <> ${tokenHash}`.execute(
      trx,
    );
    await store.setPasswordHash(trx, found.user_id, passwordHash, now);
    await revokeSessionsOfUser(trx, found.user_id);
    await recordSecurityEvent(trx, { action: 'password.reset', userId: found.user_id, context, at: now });
    await notifyPasswordChanged(trx, deps, found.email, now);
    await forgiveAddress(trx, found.email);
  });
}

/** Housekeeping: expired reset and email-change tokens, used or not. */
export async function pruneTokens(db: Db, now: Date): Promise<void> {
  await sql`delete from password_reset_tokens where expires_at < ${now}`.execute(db);
  await sql`delete from email_change_tokens where expires_at < ${now}`.execute(db);
}
