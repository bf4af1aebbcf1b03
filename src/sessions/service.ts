import { createHmac, randomBytes } from 'node:crypto';
import { recordSecurityEvent } from '../audit/identity-events.js';
import type { Db } from '../db/database.js';
import type { RequestContext } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { hashToken } from '../shared/tokens.js';
import * as store from './store.js';

export type { SessionStage } from './store.js';

// NIST SP 800-63B §4.2.3 (AAL2): reauthenticate after 30 minutes of inactivity and at least
// every 12 hours (ASVS 5.0 V7.3.1, V7.3.2). Accounts may set their own: a user's sessions
// follow the strictest of their active accounts, and these defaults only when they have none.
export const defaultSessionLimits = { idleMinutes: 30, absoluteHours: 12 } as const;
/** A password-only (pending) session is good for this long: time to type a code or enrol. */
export const pendingSessionMinutes = 15;
/**
 * last_seen_at is written at most this often; idle timeouts may thus end up to a minute early,
 * never late.
 */
const touchIntervalMs = 60_000;

/** A session the cookie token resolved to, still within its timeouts. */
export interface ValidSession {
  id: string;
  userId: string;
  stage: store.SessionStage;
  secondFactorAt: Date | null;
  tokenHash: Buffer;
  createdAt: Date;
  lastSeenAt: Date;
}

/**
 * A new session token: 256 bits from the CSPRNG (ASVS 5.0 V7.2.3), URL-safe. Only its
 * SHA-256 is stored, so a copy of the database cannot be replayed as a cookie.
 */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The session's anti-CSRF token: an HMAC of the session token's hash under the server key
 * (OWASP CSRF cheat sheet, "HMAC-based synchronizer token"). Nothing extra is stored, it
 * cannot be computed without the key, and it changes whenever the session token rotates.
 */
export function csrfTokenFor(secretKey: Buffer, tokenHash: Buffer): string {
  return createHmac('sha256', secretKey).update('gatehouse csrf\0').update(tokenHash).digest('base64url');
}

/** Starts a session for `userId` in `stage` and returns its id and the cookie token. */
export async function createSession(
  db: Db,
  input: { userId: string; stage: store.SessionStage; secondFactorAt: Date | null; context: RequestContext; now: Date },
): Promise<{ id: string; token: string; tokenHash: Buffer }> {
  const token = newSessionToken();
  const id = newId('ses');
  const tokenHash = hashToken(token);
  await store.insertSession(db, {
    id,
    userId: input.userId,
    tokenHash,
    stage: input.stage,
    secondFactorAt: input.secondFactorAt,
    ip: input.context.ip,
    userAgent: input.context.userAgent?.slice(0, 512) ?? null,
    now: input.now,
  });
  return { id, token, tokenHash };
}

/** When the session ends by itself: at its idle or absolute timeout, whichever is first. */
export function sessionExpiresAt(row: store.SessionWithLimits): Date {
  if (row.stage !== 'active') return new Date(row.created_at.getTime() + pendingSessionMinutes * 60_000);
  const idle = (row.idle_minutes ?? defaultSessionLimits.idleMinutes) * 60_000;
  const absolute = (row.absolute_hours ?? defaultSessionLimits.absoluteHours) * 3_600_000;
  return new Date(Math.min(row.last_seen_at.getTime() + idle, row.created_at.getTime() + absolute));
}

/**
 * The live session a cookie token names, or null (unknown, or timed out: then it is deleted
 * at once so it can never come back). Timeouts are judged on the server's clock only.
 */
export async function validateSessionToken(db: Db, token: string, now: Date): Promise<ValidSession | null> {
  const row = await store.findSessionByTokenHash(db, hashToken(token));
  if (!row) return null;
  if (sessionExpiresAt(row).getTime() <= now.getTime()) {
    await store.deleteSession(db, row.id);
    return null;
  }
  return {
    id: row.id,
    userId: row.user_id,
    stage: row.stage,
    secondFactorAt: row.second_factor_at,
    tokenHash: Buffer.from(row.token_hash),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** Records activity for the idle timeout, writing at most once a minute per session. */
export async function touchSession(db: Db, session: ValidSession, now: Date): Promise<void> {
  if (now.getTime() - session.lastSeenAt.getTime() >= touchIntervalMs) await store.touchSession(db, session.id, now);
}

/**
 * Issues a new token for the session as its privileges change (ASVS 5.0 V7.2.4: a new token
 * at every authentication), moving it from one of `fromStages` to `stage`. The old token
 * stops working at once. Returns null when the session was not in `fromStages` any more
 * (a parallel request completed it first, or it was revoked).
 */
export async function rotateSessionToken(
  db: Db,
  sessionId: string,
  change: { fromStages: store.SessionStage[]; stage: store.SessionStage; secondFactorAt?: Date | null; now: Date },
): Promise<{ token: string; tokenHash: Buffer } | null> {
  const token = newSessionToken();
  const tokenHash = hashToken(token);
  const row = await store.rotateSession(db, sessionId, { ...change, tokenHash, secondFactorAt: change.secondFactorAt });
  return row ? { token, tokenHash } : null;
}

/**
 * Ends the session a request presented, whoever it belongs to: holding its token is
 * authority enough (signing in again replaces the browser's session).
 */
export async function endPresentedSession(db: Db, sessionId: string): Promise<void> {
  await store.deleteSession(db, sessionId);
}

/** Ends one of the user's sessions; ids of other users' sessions are silently ignored. */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  return (await store.deleteSessionOfUser(db, userId, sessionId)) > 0;
}

/**
 * Ends every session of the user, except `exceptSessionId` when given (ASVS 5.0 V7.4.2,
 * V7.4.3): on deactivation or removal from their last active account, password change or
 * reset, 2FA reset, and an email change an admin started. Returns how many ended.
 *
 * @example
 * await revokeSessionsOfUser(trx, member.userId); // deactivation: sign them out everywhere
 */
export async function revokeSessionsOfUser(db: Db, userId: string, exceptSessionId?: string): Promise<number> {
  return store.deleteSessionsOfUser(db, userId, exceptSessionId ?? null);
}

/**
 * DELETE /v1/me/sessions/{id}: ends the session if it is the user's; any other id changes
 * nothing and says nothing.
 */
export async function revokeOwnSession(
  db: Db,
  userId: string,
  sessionId: string,
  context: RequestContext,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (await revokeSession(trx, userId, sessionId)) {
      await recordSecurityEvent(trx, { action: 'session.revoked', userId, after: { sessionId }, context, at: now });
    }
  });
}

/** DELETE /v1/me/sessions: signs the user out everywhere but here. */
export async function revokeOtherSessions(
  db: Db,
  current: { userId: string; sessionId: string },
  context: RequestContext,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const count = await revokeSessionsOfUser(trx, current.userId, current.sessionId);
    await recordSecurityEvent(trx, {
      action: 'session.others_revoked',
      userId: current.userId,
      after: { count },
      context,
      at: now,
    });
  });
}

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The user's live, fully signed-in sessions (ASVS 5.0 V7.5.2). */
export async function listSessions(
  db: Db,
  userId: string,
  currentSessionId: string,
  now: Date,
): Promise<SessionView[]> {
  const rows = await store.listLiveSessions(db, userId, now, defaultSessionLimits);
  return rows.map((row) => ({
    id: row.id,
    current: row.id === currentSessionId,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  }));
}

/** Housekeeping: deletes sessions that no account setting could keep alive (720 hours at most). */
export async function pruneSessions(db: Db, now: Date): Promise<void> {
  await store.deleteSessionsOlderThan(db, new Date(now.getTime() - 721 * 3_600_000));
}
