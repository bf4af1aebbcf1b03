import type { Db } from '../db/database.js';
import type { MailMessage } from '../mail/templates.js';
import { enqueueMail } from '../mail/outbox.js';
import type { IdentityDeps } from './deps.js';

// Every security email of the identity flows goes through here, queued in the caller's
// transaction so that a notice exists exactly when the change does (ASVS 5.0 V6.3.5, V6.3.7).

/** Queues one of the identity mails; the outbox sends it once the transaction commits. */
async function send(trx: Db, deps: IdentityDeps, to: string, mail: MailMessage): Promise<void> {
  await enqueueMail(trx, { ...mail, to }, deps);
}

export function notifyNewSignIn(
  trx: Db,
  deps: IdentityDeps,
  to: string,
  at: Date,
  context: { ip: string | null; userAgent: string | null },
): Promise<void> {
  return send(trx, deps, to, {
    template: 'security_new_sign_in',
    data: { at: at.toISOString(), ip: context.ip, userAgent: context.userAgent },
  });
}

export function notifyTwoFactorChanged(
  trx: Db,
  deps: IdentityDeps,
  to: string,
  change: 'enrolled' | 'reset' | 'recovery_codes_regenerated',
  at: Date,
): Promise<void> {
  return send(trx, deps, to, { template: 'security_two_factor_changed', data: { change, at: at.toISOString() } });
}

export function notifyPasswordChanged(trx: Db, deps: IdentityDeps, to: string, at: Date): Promise<void> {
  return send(trx, deps, to, { template: 'security_password_changed', data: { at: at.toISOString() } });
}

export function mailPasswordReset(
  trx: Db,
  deps: IdentityDeps,
  to: string,
  token: string,
  expiresAt: Date,
): Promise<void> {
  return send(trx, deps, to, { template: 'password_reset', data: { token, expiresAt: expiresAt.toISOString() } });
}

/**
 * Sign-in was locked (ASVS 5.0 V6.3.5: tell the user of suspicious authentication attempts),
 * with a reset link.
 */
export function mailSignInLocked(
  trx: Db,
  deps: IdentityDeps,
  to: string,
  lock: { failures: number; lockedUntil: Date; ip: string | null },
  reset: { token: string; expiresAt: Date },
): Promise<void> {
  return send(trx, deps, to, {
    template: 'security_sign_in_locked',
    data: {
      failures: lock.failures,
      lockedUntil: lock.lockedUntil.toISOString(),
      ip: lock.ip,
      token: reset.token,
      expiresAt: reset.expiresAt.toISOString(),
    },
  });
}

export function mailEmailChangeVerification(
  trx: Db,
  deps: IdentityDeps,
  newEmail: string,
  token: string,
  expiresAt: Date,
): Promise<void> {
  return send(trx, deps, newEmail, {
    template: 'email_change_verify',
    data: { token, newEmail, expiresAt: expiresAt.toISOString() },
  });
}

export function notifyEmailChanged(trx: Db, deps: IdentityDeps, oldEmail: string, newEmail: string): Promise<void> {
  return send(trx, deps, oldEmail, { template: 'email_change_notice', data: { newEmail } });
}
