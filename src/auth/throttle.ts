import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { recordSecurityEvent } from './events.js';
import { AppError } from '../shared/app-error.js';

/**
 * Brute-force limits (ASVS 5.0 V6.3.1, NIST SP 800-63B §5.2.2). Failed passwords, TOTP codes
 * and recovery codes count together, per email address and per client IP, whichever endpoint
 * they were tried on. From `backoffAfter` failures on, each attempt must wait
 * 2^(failures − backoffAfter) seconds (at most 15 minutes) after the previous one; at
 * `lockAfter` failures the key is locked until an hour after the last one. An hour without
 * attempts starts the count afresh. The IP limits are wider because many people can share
 * one address.
 */
export const throttlePolicy = {
  quietResetMs: 60 * 60 * 1000,
  maxBackoffSeconds: 15 * 60,
  email: { backoffAfter: 5, lockAfter: 20 },
  ip: { backoffAfter: 20, lockAfter: 100 },
} as const;

/** Whose attempt it is: the normalised email the credential is for, and where it comes from. */
export interface AttemptKeys {
  email: string;
  ip: string | null;
}

type Limits = { backoffAfter: number; lockAfter: number };

function keysOf(keys: AttemptKeys): [string, Limits][] {
  const entries: [string, Limits][] = [[`email:${keys.email}`, throttlePolicy.email]];
  if (keys.ip) entries.push([`ip:${keys.ip}`, throttlePolicy.ip]);
  return entries;
}

/**
 * Counts one attempt against every key BEFORE the credential is verified, with one atomic
 * upsert per key: parallel requests each take their own slot, so they cannot all slip in
 * under the limit; an attempt refused by the back-off or the lock is not counted (it
 * verified nothing). Throws 429 `auth.locked` with Retry-After when a key does not allow an
 * attempt now.
 *
 * Not an oracle: the decision uses only the counters of the submitted address and the IP —
 * never whether a user has that address — and is taken before anything is looked up or
 * verified, so a locked real account and a locked unknown address answer alike, and a lock
 * never says whether a password was right.
 *
 * After verifying, the caller calls {@link forgiveFailures} when the person is fully
 * authenticated, {@link refundAttempt} when a right password still awaits the second factor,
 * and nothing when it failed: the reserved attempt stays counted.
 */
export async function reserveAttempt(db: Db, keys: AttemptKeys, now: Date): Promise<void> {
  let emailLockedNow = false;
  const refusedUntil = await db.transaction().execute(async (trx) => {
    // Always in the same order (email, then IP), so two attempts never deadlock; a refusal by
    // the second key rolls back the first key's count.
    for (const [key, limits] of keysOf(keys)) {
      const failures = await reserve(trx, key, limits, now);
      if (failures === null) return retryAt(trx, key, limits, now);
      if (key.startsWith('email:') && failures === limits.lockAfter) emailLockedNow = true;
    }
    return null;
  });
  // The attempt that locks an address is itself let through; the lock is a security event.
  if (emailLockedNow && keys.email) await recordLockout(db, keys, now);
  if (refusedUntil !== null) {
    const seconds = Math.max(1, Math.ceil((refusedUntil.getTime() - now.getTime()) / 1000));
    throw new AppError('auth.locked', `Too many failed attempts; try again in ${seconds} seconds`, { headers: { 'retry-after': String(seconds) } });
  }
}

async function recordLockout(db: Db, keys: AttemptKeys, now: Date): Promise<void> {
  const { rows } = await sql<{ id: string }>`select id from users where email = ${keys.email}`.execute(db);
  if (!rows[0]) return;
  await recordSecurityEvent(db, {
    action: 'session.locked_out',
    userId: rows[0].id,
    outcome: 'failure',
    after: { lockedForMinutes: throttlePolicy.quietResetMs / 60_000 },
    context: { ip: keys.ip, userAgent: null, requestId: null },
    at: now,
  });
}

/** Counts one attempt against `key`; the new failure count, or null when the key refuses it. */
async function reserve(trx: Db, key: string, limits: Limits, now: Date): Promise<number | null> {
  const quietSince = new Date(now.getTime() - throttlePolicy.quietResetMs);
  const { rows } = await sql<{ failures: number }>`
    insert into auth_throttle as t (key, failures, last_attempt_at, previous_attempt_at)
    values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      failures = case when t.last_attempt_at <= ${quietSince}::timestamptz then 1 else t.failures + 1 end,
      previous_attempt_at = case when t.last_attempt_at <= ${quietSince}::timestamptz then null else t.last_attempt_at end,
      last_attempt_at = ${now}::timestamptz
    where t.last_attempt_at <= ${quietSince}::timestamptz
       or (t.failures < ${limits.lockAfter}::int
           and (t.failures < ${limits.backoffAfter}::int
                or t.last_attempt_at + make_interval(secs => least(${throttlePolicy.maxBackoffSeconds}::float8,
                                                                   power(2, t.failures - ${limits.backoffAfter}::int)))
                   <= ${now}::timestamptz))
    returning failures`.execute(trx);
  return rows[0] ? Number(rows[0].failures) : null;
}

async function retryAt(trx: Db, key: string, limits: Limits, now: Date): Promise<Date> {
  const { rows } = await sql<{ failures: number; last_attempt_at: Date }>`
    select failures, last_attempt_at from auth_throttle where key = ${key}`.execute(trx);
  const row = rows[0];
  if (!row) return now;
  if (row.failures >= limits.lockAfter) return new Date(row.last_attempt_at.getTime() + throttlePolicy.quietResetMs);
  const delaySeconds = Math.min(throttlePolicy.maxBackoffSeconds, 2 ** (row.failures - limits.backoffAfter));
  return new Date(row.last_attempt_at.getTime() + delaySeconds * 1000);
}

/**
 * Gives back an attempt whose password was right but whose sign-in still needs the second
 * factor: it neither counts nor starts a back-off, so the person can type their code at once,
 * while each wrong code still counts. (Forgiving here would let whoever knows the password
 * guess codes for ever.)
 */
export async function refundAttempt(db: Db, keys: AttemptKeys): Promise<void> {
  for (const [key] of keysOf(keys)) await refund(db, key);
}

async function refund(db: Db, key: string): Promise<void> {
  await sql`
    update auth_throttle
       set failures = greatest(failures - 1, 0), last_attempt_at = coalesce(previous_attempt_at, last_attempt_at),
           previous_attempt_at = null
     where key = ${key}`.execute(db);
}

/**
 * A complete success (sign-in finished, step-up, right current password): the address's
 * failures are forgiven. The IP only gets this attempt back, so one good account cannot
 * launder guesses at others from the same address.
 */
export async function forgiveFailures(db: Db, keys: AttemptKeys): Promise<void> {
  await sql`delete from auth_throttle where key = ${`email:${keys.email}`}`.execute(db);
  if (keys.ip) await refund(db, `ip:${keys.ip}`);
}

/** Housekeeping: counters whose quiet hour and back-off have both run out. */
export async function pruneThrottle(db: Db, now: Date): Promise<void> {
  await sql`delete from auth_throttle where last_attempt_at < ${new Date(now.getTime() - throttlePolicy.quietResetMs)}`.execute(db);
}
