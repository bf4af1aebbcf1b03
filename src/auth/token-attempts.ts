import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';

/**
 * Failed single-use-link tokens (invitation lookup and accept, password-reset and
 * email-change confirmation) per client IP: at most 10 in 15 minutes, then 429
 * `request.rate_limited` with Retry-After until the window ends.
 *
 * Why these numbers: the tokens carry 256 random bits, so no rate makes guessing one
 * feasible; the limit is there so that a client spraying tokens (or replaying leaked,
 * expired ones) is stopped and stands out, and pays for it in time. A person who follows an
 * old, used or mistyped link a few times, or an office behind one NAT where several do,
 * stays well below 10 in 15 minutes; a sprayer gets at most 40 tries an hour. Real links
 * cost nothing: their attempt is given back. The window is fixed, from the first failure, so
 * a blocked client that keeps trying does not extend it.
 */
export const tokenAttemptPolicy = { failures: 10, windowMs: 15 * 60_000 } as const;

/** The codes that mean "no such token": the guesses that count. */
const guessCodes = new Set(['token.invalid', 'invitation.not_found']);

/**
 * Runs `use` (which looks the token up) as one counted attempt of the client `ip`: the
 * attempt is counted BEFORE the lookup by an atomic upsert in the database, so parallel
 * guesses cannot slip under the limit and every instance sees the same count; it is given
 * back when the token turned out to exist (whatever else `use` then decided). Over the limit,
 * nothing is looked up: 429, even for a real link, until the window ends.
 */
export async function limitTokenGuesses<T>(db: Db, ip: string | null, now: Date, use: () => Promise<T>): Promise<T> {
  if (ip === null) return use();
  const key = `ip:${ip}`;
  const refusedUntil = await reserve(db, key, now);
  if (refusedUntil) {
    const seconds = Math.max(1, Math.ceil((refusedUntil.getTime() - now.getTime()) / 1000));
    throw new AppError(
      'request.rate_limited',
      `Too many invalid links from this address; try again in ${seconds} seconds`,
      {
        headers: { 'retry-after': String(seconds) },
      },
    );
  }
  try {
    const result = await use();
    await giveBack(db, key);
    return result;
  } catch (error) {
    if (!(error instanceof AppError && guessCodes.has(error.code))) await giveBack(db, key);
    throw error;
  }
}

/** Counts one attempt; null when counted, or when the window that refuses it ends. */
async function reserve(db: Db, key: string, now: Date): Promise<Date | null> {
  const windowOpenSince = new Date(now.getTime() - tokenAttemptPolicy.windowMs);
  const { rows } = await sql<{ failures: number }>`
    insert into token_attempts as t (key, failures, window_started_at) values (${key}, 1, ${now})
    on conflict (key) do update set
      failures = case when t.window_started_at <= ${windowOpenSince}::timestamptz then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at <= ${windowOpenSince}::timestamptz then ${now}::timestamptz else t.window_started_at end
    where t.window_started_at <= ${windowOpenSince}::timestamptz or t.failures < ${tokenAttemptPolicy.failures}::int
    returning failures`.execute(db);
  if (rows[0]) return null;
  const current = await sql<{
    window_started_at: Date;
  }>`select window_started_at from token_attempts where key = ${key}`.execute(db);
  return new Date((current.rows[0]?.window_started_at ?? now).getTime() + tokenAttemptPolicy.windowMs);
}

async function giveBack(db: Db, key: string): Promise<void> {
  await sql`update token_attempts set failures = greatest(failures - 1, 0) where key = ${key}`.execute(db);
}

/** Housekeeping: windows that have ended. */
export async function pruneTokenAttempts(db: Db, now: Date): Promise<void> {
  await sql`delete from token_attempts where window_started_at < ${new Date(now.getTime() - tokenAttemptPolicy.windowMs)}`.execute(
    db,
  );
}
