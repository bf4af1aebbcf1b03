import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export type SessionStage = 'second_factor' | 'enrol_totp' | 'active';

export interface SessionRow {
  id: string;
  user_id: string;
  token_hash: Buffer;
  stage: SessionStage;
  second_factor_at: Date | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
}

/**
 * A session with the timeouts that apply to its user (null: no active membership, defaults
 * apply).
 */
export interface SessionWithLimits extends SessionRow {
  idle_minutes: number | null;
  absolute_hours: number | null;
}

// The strictest setting among the accounts where the user is an active member.
const userLimits = (userId: unknown) => sql`
  select min(a.session_idle_minutes) as idle_minutes, min(a.session_absolute_hours) as absolute_hours
    from members m join accounts a on a.id = m.account_id
   where m.user_id = ${userId} and m.status = 'active'`;

export async function insertSession(
  db: Db,
  session: {
    id: string;
    userId: string;
    tokenHash: Buffer;
    stage: SessionStage;
    secondFactorAt: Date | null;
    ip: string | null;
    userAgent: string | null;
    now: Date;
  },
): Promise<void> {
  await sql`
    insert into sessions (id, user_id, token_hash, stage, second_factor_at, ip, user_agent, created_at, last_seen_at)
    values (${session.id}, ${session.userId}, ${session.tokenHash}, ${session.stage}, ${session.secondFactorAt},
            ${session.ip}, ${session.userAgent}, ${session.now}, ${session.now})`.execute(db);
}

export async function findSessionByTokenHash(db: Db, tokenHash: Buffer): Promise<SessionWithLimits | undefined> {
  const { rows } = await sql<SessionWithLimits>`
    select s.*, l.idle_minutes, l.absolute_hours
      from sessions s cross join lateral (${userLimits(sql`s.user_id`)}) l
     where s.token_hash = ${tokenHash}`.execute(db);
  return rows[0];
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`.execute(db);
}

export async function touchSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await sql`update sessions set last_seen_at = ${now} where id = ${sessionId} and last_seen_at < ${now}`.execute(db);
}

/**
 * Moves a session to `stage` under a new token hash, only if it is still in one of
 * `fromStages`: of two requests racing to complete the same sign-in, exactly one wins.
 */
export async function rotateSession(
  db: Db,
  sessionId: string,
  change: {
    fromStages: SessionStage[];
    stage: SessionStage;
    tokenHash: Buffer;
    secondFactorAt: Date | null | undefined;
    now: Date;
  },
): Promise<SessionRow | undefined> {
  const { rows } = await sql<SessionRow>`
    update sessions
       set token_hash = ${change.tokenHash}, stage = ${change.stage}, last_seen_at = ${change.now},
           second_factor_at = ${change.secondFactorAt === undefined ? sql`second_factor_at` : change.secondFactorAt}
     where id = ${sessionId} and stage = any(${change.fromStages})
     returning *`.execute(db);
  return rows[0];
}

export async function deleteSessionOfUser(db: Db, userId: string, sessionId: string): Promise<number> {
  const result = await sql`delete from sessions where user_id = ${userId} and id = ${sessionId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function deleteSessionsOfUser(db: Db, userId: string, exceptSessionId: string | null): Promise<number> {
  const result = await sql`
    delete from sessions where user_id = ${userId} and (${exceptSessionId}::text is null or id <> ${exceptSessionId})`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** The user's fully signed-in sessions that have not timed out, most recently used first. */
export async function listLiveSessions(
  db: Db,
  userId: string,
  now: Date,
  defaults: { idleMinutes: number; absoluteHours: number },
): Promise<SessionRow[]> {
  const { rows } = await sql<SessionRow>`
    select s.*
      from sessions s cross join (${userLimits(userId)}) l
     where s.user_id = ${userId} and s.stage = 'active'
       and s.created_at > ${now}::timestamptz - make_interval(hours => coalesce(l.absolute_hours, ${defaults.absoluteHours}))
       and s.last_seen_at > ${now}::timestamptz - make_interval(mins => coalesce(l.idle_minutes, ${defaults.idleMinutes}))
     order by s.last_seen_at desc, s.id`.execute(db);
  return rows;
}

/** Housekeeping: sessions past any possible lifetime. */
export async function deleteSessionsOlderThan(db: Db, createdBefore: Date): Promise<void> {
  await sql`delete from sessions where created_at < ${createdBefore}`.execute(db);
}
