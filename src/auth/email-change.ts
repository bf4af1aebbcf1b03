import { sql } from 'kysely';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import { normaliseEmail } from '../shared/email.js';
import { hashToken, newSecretToken } from '../shared/tokens.js';
import type { IdentityDeps } from './deps.js';
import { recordSecurityEvent } from './events.js';
import { mailEmailChangeVerification, notifyEmailChanged } from './notify.js';
import * as store from './store.js';

export const emailChangeLifetimeMs = 60 * 60 * 1000;

/**
 * Starts an email change (the route demands a fresh step-up and `confirm`, ASVS 5.0 V7.5.1):
 * a single-use link goes to the NEW address, which changes nothing until it is followed. When
 * the address already belongs to someone else nothing is sent, and the answer is the same, so
 * the endpoint does not tell which addresses have users.
 */
export async function requestEmailChange(deps: IdentityDeps, userId: string, newEmailInput: string, context: RequestContext): Promise<void> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const newEmail = normaliseEmail(newEmailInput);
  const user = await store.findUserById(db, userId);
  if (!user) throw new AppError('auth.required');
  if (newEmail === user.email) {
    throw new AppError('request.invalid', 'That is already your address', { errors: [{ field: 'body/newEmail', message: 'is your current address' }] });
  }
  const taken = await store.findUserByEmail(db, newEmail);
  await db.transaction().execute(async (trx) => {
    await sql`delete from email_change_tokens where user_id = ${user.id}`.execute(trx);
    await recordSecurityEvent(trx, { action: 'email.change_requested', userId: user.id, after: { email: newEmail }, context, at: now });
    if (taken) return;
    const token = newSecretToken();
    const expiresAt = new Date(now.getTime() + emailChangeLifetimeMs);
    await sql`insert into email_change_tokens (token_hash, user_id, new_email, expires_at, created_at)
              values (${hashToken(token)}, ${user.id}, ${newEmail}, ${expiresAt}, ${now})`.execute(trx);
    await mailEmailChangeVerification(trx, deps, newEmail, token, expiresAt);
  });
}

/**
 * Completes an email change with the token from the verification mail. The old address is
 * told (ASVS 5.0 V6.3.7); reset links sent to the old address stop working.
 */
export async function confirmEmailChange(deps: IdentityDeps, token: string, context: RequestContext): Promise<void> {
  const now = deps.clock.now();
  const tokenHash = hashToken(token);
  try {
    await deps.access.commit(async (trx, changed) => {
      const { rows } = await sql<{ user_id: string; new_email: string }>`
        update email_change_tokens set used_at = ${now}
         where token_hash = ${tokenHash} and used_at is null and expires_at > ${now}
         returning user_id, new_email`.execute(trx);
      const claimed = rows[0];
      if (!claimed) throw new AppError('token.invalid');
      const before = await sql<{ email: string }>`select email from users where id = ${claimed.user_id} for update`.execute(trx);
      const oldEmail = before.rows[0].email;
      await sql`update users set email = ${claimed.new_email}, updated_at = ${now} where id = ${claimed.user_id}`.execute(trx);
      await sql`delete from password_reset_tokens where user_id = ${claimed.user_id}`.execute(trx);
      changed({ kind: 'user', id: claimed.user_id });
      await recordSecurityEvent(trx, { action: 'email.changed', userId: claimed.user_id, before: { email: oldEmail }, after: { email: claimed.new_email }, context, at: now });
      await notifyEmailChanged(trx, deps, oldEmail, claimed.new_email);
    });
  } catch (error) {
    // The address was taken by someone else between the request and the confirmation.
    if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'That address belongs to another user now');
    throw error;
  }
}
