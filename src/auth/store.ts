import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** The columns of a user that sign-in and 2FA need. Secrets stay sealed until used. */
export interface UserCredentialsRow {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  totp_secret_encrypted: string | null;
  totp_pending_secret_encrypted: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
}

const columns = sql`id, email, name, password_hash, totp_secret_encrypted, totp_pending_secret_encrypted, totp_enabled_at, totp_last_step`;

export async function findUserByEmail(db: Db, email: string): Promise<UserCredentialsRow | undefined> {
  const { rows } = await sql<UserCredentialsRow>`select ${columns} from users where email = ${email}`.execute(db);
  return rows[0];
}

export async function findUserById(db: Db, userId: string): Promise<UserCredentialsRow | undefined> {
  const { rows } = await sql<UserCredentialsRow>`select ${columns} from users where id = ${userId}`.execute(db);
  return rows[0];
}

/**
 * Whether the user must have TOTP: yes, unless every account they belong to has turned the
 * requirement off (a user with no membership yet must enrol too).
 */
export async function twoFactorRequired(db: Db, userId: string): Promise<boolean> {
  const { rows } = await sql<{ required: boolean }>`
    select not exists (
             select 1 from members m join accounts a on a.id = m.account_id
              where m.user_id = ${userId} and m.status <> 'removed' and not a.require_two_factor)
        or exists (
             select 1 from members m join accounts a on a.id = m.account_id
              where m.user_id = ${userId} and m.status <> 'removed' and a.require_two_factor) as required`.execute(db);
  return rows[0]?.required ?? true;
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
  await sql`update users set password_hash = ${passwordHash}, updated_at = ${now} where id = ${userId}`.execute(db);
}

/** Replaces an outdated hash, unless the password changed meanwhile. */
export async function upgradePasswordHash(db: Db, userId: string, oldHash: string, newHash: string): Promise<void> {
  await sql`update users set password_hash = ${newHash} where id = ${userId} and password_hash = ${oldHash}`.execute(
    db,
  );
}

/**
 * Records the time step of an accepted TOTP code; false when that step (or a later one) was
 * already used. The condition makes a code single-use even for parallel requests
 * (RFC 6238 §5.2, NIST SP 800-63B §5.1.4.2, ASVS 5.0 V6.5.1).
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await sql`
    update users set totp_last_step = ${step}
     where id = ${userId} and totp_enabled_at is not null and (totp_last_step is null or totp_last_step < ${step})`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function setPendingTotpSecret(db: Db, userId: string, sealed: string, now: Date): Promise<boolean> {
  const result = await sql`
    update users set totp_pending_secret_encrypted = ${sealed}, updated_at = ${now}
     where id = ${userId} and totp_enabled_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/**
 * Turns the pending secret that was verified into the active one, recording the step of the
 * code that proved it. Conditional on that very pending secret, so a restarted or parallel
 * enrolment cannot activate a secret nobody proved.
 */
export async function activatePendingTotp(
  db: Db,
  userId: string,
  verifiedPendingSealed: string,
  step: number,
  now: Date,
): Promise<boolean> {
  const result = await sql`
    update users
       set totp_secret_encrypted = totp_pending_secret_encrypted, totp_pending_secret_encrypted = null,
           totp_enabled_at = ${now}, totp_last_step = ${step}, updated_at = ${now}
     where id = ${userId} and totp_enabled_at is null and totp_pending_secret_encrypted = ${verifiedPendingSealed}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function clearTotp(db: Db, userId: string, now: Date): Promise<void> {
  await sql`
    update users
       set totp_secret_encrypted = null, totp_pending_secret_encrypted = null, totp_enabled_at = null,
           totp_last_step = null, updated_at = ${now}
     where id = ${userId}`.execute(db);
}

/**
 * Claims one of a pending sign-in's second-factor tries: the new count, or null when the
 * session has used all `cap` of them (or is no longer pending). The condition in the update
 * makes the count exact under parallel requests.
 */
export async function claimSecondFactorTry(db: Db, sessionId: string, cap: number): Promise<number | null> {
  const { rows } = await sql<{ second_factor_failures: number }>`
    update sessions set second_factor_failures = second_factor_failures + 1
     where id = ${sessionId} and stage = 'second_factor' and second_factor_failures < ${cap}
     returning second_factor_failures`.execute(db);
  return rows[0] ? Number(rows[0].second_factor_failures) : null;
}

/** Deletes the session if it is still waiting for the second factor. */
export async function deletePendingSignIn(db: Db, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId} and stage = 'second_factor'`.execute(db);
}

export async function markSignedIn(db: Db, userId: string, now: Date): Promise<void> {
  await sql`update users set last_sign_in_at = ${now} where id = ${userId}`.execute(db);
}
