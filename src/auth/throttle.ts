import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Brute-force limits (ASVS 5.0 V6.3.1, NIST SP 800-63B §5.2.2). Failed passwords, TOTP codes
 * and recovery codes count together, per email address and per client IP, whichever endpoint
 * they were tried on. From `backoffAfter` failures on, an attempt is verified only
 * 2^(failures − backoffAfter) seconds (at most 15 minutes) after the previous verified one;
 * at `lockAfter` failures the key is locked until an hour after the last verified attempt. An
 * hour without verified attempts starts the count afresh. The IP limits are wider because
 * many people can share one address.
 *
 * Attempts refused by the back-off count too (each doubles the wait), so 20 attempts lock an
 * address whatever their pace: 20 quick guesses lock it (5 verified, 15 refused), as do ~90
 * minutes of guesses paced to the back-off. A refusal does not move the back-off's clock,
 * though, so hammering a locked address never makes its lock last longer than an hour, and
 * the person can always end it at once with the password-reset link the lock mails them.
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

const emailKey = (email: string) => `email:${email}`;

function keysOf(keys: AttemptKeys): [string, Limits][] {
  const entries: [string, Limits][] = [[emailKey(keys.email), throttlePolicy.email]];
  if (keys.ip) entries.push([`ip:${keys.ip}`, throttlePolicy.ip]);
  return entries;
}

/** An attempt the counters let through: the address's failure count, this attempt included. */
export interface CountedAttempt {
  counted: true;
  emailFailures: number;
}

/** An attempt the counters refused (and counted): which key refused it and until when. */
export interface RefusedAttempt {
  counted: false;
  refusedBy: 'email' | 'ip';
  /** The refusing key's failures, this refusal included. */
  failures: number;
  retryAt: Date;
}

/**
 * Counts one attempt against every key BEFORE the credential is verified, with one atomic
 * upsert per key: parallel requests each take their own slot, so they cannot all slip in
 * under the limit. When a key does not allow an attempt now, the attempt is refused: the
 * refusing key counts it (without moving its back-off clock) and the other keys do not.
 *
 * Not an oracle: the decision uses only the counters of the submitted address and the IP —
 * never whether a user has that address — and is taken before anything is looked up or
 * verified, so a locked real account and a locked unknown address answer alike, and a lock
 * never says whether a password was right.
 *
 * After verifying, the caller calls {@link forgiveFailures} when the person is fully
 * authenticated, {@link refundAttempt} when a right password still awaits the second factor,
 * and nothing when it failed: the reserved attempt stays counted. (`attempts.ts` wraps this
 * with the events, the refusal log and the lock notice.)
 */
export async function countAttempt(db: Db, keys: AttemptKeys, now: Date): Promise<CountedAttempt | RefusedAttempt> {
  let emailFailures = 0;
  try {
    await db.transaction().execute(async (trx) => {
      // Always in the same order (email, then IP), so two attempts never deadlock; a refusal
      // by the second key rolls back the first key's count.
      for (const [key, limits] of keysOf(keys)) {
        const failures = await reserve(trx, key, limits, now);
        if (failures === null) throw new Refusal(key, limits);
        if (key === emailKey(keys.email)) emailFailures = failures;
      }
    });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return countRefusal(db, error, now);
  }
  return { counted: true, emailFailures };
}

class Refusal extends Error {
  constructor(
    readonly key: string,
    readonly limits: Limits,
  ) {
    super('refused');
  }
}

async function countRefusal(db: Db, refusal: Refusal, now: Date): Promise<RefusedAttempt> {
  const refusedBy = refusal.key.startsWith('email:') ? 'email' : 'ip';
  const { rows } = await sql<{ failures: number; last_attempt_at: Date }>`
    update auth_throttle set failures = failures + 1 where key = ${refusal.key} returning failures, last_attempt_at`.execute(
    db,
  );
  const row = rows[0];
  // Pruned in between: nothing holds the attempt back any more.
  if (!row) return { counted: false, refusedBy, failures: 0, retryAt: now };
  const failures = Number(row.failures);
  return { counted: false, refusedBy, failures, retryAt: nextAttemptAt(refusal.limits, failures, row.last_attempt_at) };
}

/** When a key with `failures` whose last verified attempt was `lastAttemptAt` allows the next one. */
function nextAttemptAt(limits: Limits, failures: number, lastAttemptAt: Date): Date {
  if (failures >= limits.lockAfter) return new Date(lastAttemptAt.getTime() + throttlePolicy.quietResetMs);
  const delaySeconds = Math.min(throttlePolicy.maxBackoffSeconds, 2 ** (failures - limits.backoffAfter));
  return new Date(lastAttemptAt.getTime() + delaySeconds * 1000);
}

/** When an address that has just reached the lock is open again. */
export async function addressLockedUntil(db: Db, email: string, now: Date): Promise<Date> {
  const { rows } = await sql<{
    last_attempt_at: Date;
  }>`select last_attempt_at from auth_throttle where key = ${emailKey(email)}`.execute(db);
  return new Date((rows[0]?.last_attempt_at ?? now).getTime() + throttlePolicy.quietResetMs);
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
  await forgiveAddress(db, keys.email);
  if (keys.ip) await refund(db, `ip:${keys.ip}`);
}

/**
 * Clears an address's failures (and so its back-off or lock): a complete sign-in, or a
 * password reset, which proves the mailbox and makes every earlier guess moot.
 */
export async function forgiveAddress(db: Db, email: string): Promise<void> {
  await sql`delete from auth_throttle where key = ${emailKey(email)}`.execute(db);
}

/** Housekeeping: counters whose quiet hour and back-off have both run out. */
export async function pruneThrottle(db: Db, now: Date): Promise<void> {
  await sql`delete from auth_throttle where last_attempt_at < ${new Date(now.getTime() - throttlePolicy.quietResetMs)}`.execute(
    db,
  );
}
