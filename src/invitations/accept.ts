import { sql } from 'kysely';
import type { AccessService } from '../access/access-service.js';
import { findAccount } from '../accounts/store.js';
import { recordEvent } from '../audit/record.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { RequestContext } from '../shared/context.js';
import { setStatus as setMemberStatus } from '../members/store.js';
import { hashToken } from '../shared/tokens.js';
import * as store from './store.js';
import { invitationStatus, invitationView } from './view.js';

export interface AcceptDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
  /** Checks the password policy for this email and returns its hash (argon2id). */
  hashNewPassword: (password: string, email: string) => Promise<string>;
}

/**
 * Inside a transaction pass it as `db`: on PGlite the pool waits for that transaction's one
 * connection, a deadlock.
 */
async function pendingByToken(deps: AcceptDeps, token: string, db: Db = deps.access.database.db) {
  const invitation = await store.findInvitationByToken(db, hashToken(token));
  if (!invitation)
    throw new AppError(
      'invitation.not_found',
      'This invitation link is not valid (it may have been resent or revoked)',
    );
  const status = invitationStatus(invitation, deps.clock.now());
  if (status === 'expired') throw new AppError('invitation.expired', 'This invitation has expired; ask for a new one');
  if (status !== 'pending') throw new AppError('invitation.not_pending', `This invitation was already ${status}`);
  return invitation;
}

/** What the invitation page shows before the person accepts: only to whoever holds the token. */
export async function lookupInvitation(deps: AcceptDeps, token: string) {
  const invitation = await pendingByToken(deps, token);
  const db = deps.access.database.db;
  const account = (await findAccount(db, invitation.account_id))!;
  const { rows } = await sql<{ password_hash: string | null; name: string }>`
    select u.password_hash, u.name from users u join members m on m.user_id = u.id where m.id = ${invitation.member_id}`.execute(
    db,
  );
  return {
    accountName: account.name,
    inviterName: invitation.invited_by_name,
    email: invitation.email,
    name: rows[0]?.name ?? '',
    roleName: invitationView(invitation, deps.catalog, deps.clock.now()).role?.name ?? 'Custom permissions',
    expiresAt: invitation.expires_at,
    /** True when the person must sign in (they already have a password) instead of signing up. */
    existingUser: rows[0]?.password_hash != null,
  };
}

interface Accepted {
  accountId: string;
  memberId: string;
  userId: string;
  /** False while the membership waits for the person's 2FA enrolment. */
  active: boolean;
}

/**
 * Consumes the invitation and, when the person can already satisfy the account's 2FA rule,
 * activates the membership, all in one transaction: of parallel accepts exactly one wins.
 */
async function consume(
  deps: AcceptDeps,
  trx: Db,
  token: string,
  context: RequestContext,
  prepare: (
    user: { id: string; email: string; password_hash: string | null; totp_enabled_at: Date | null },
    invitationEmail: string,
  ) => Promise<void>,
): Promise<Accepted> {
  const now = deps.clock.now();
  const invitation = await store.consumeInvitation(trx, hashToken(token), now);
  if (!invitation) {
    // Lost a race, or the link was never good: say which, from the row as it is now.
    await pendingByToken(deps, token, trx);
    throw new AppError('invitation.not_pending', 'This invitation was already accepted');
  }
  const { rows } = await sql<{ id: string; email: string; password_hash: string | null; totp_enabled_at: Date | null }>`
    select u.id, u.email, u.password_hash, u.totp_enabled_at from users u join members m on m.user_id = u.id
     where m.account_id = ${invitation.account_id} and m.id = ${invitation.member_id} for update of u`.execute(trx);
  const user = rows[0];
  await prepare(user, invitation.email);
  // The name as it is now: a new person has just given theirs.
  const { rows: named } = await sql<{ name: string }>`select name from users where id = ${user.id}`.execute(trx);
  const account = (await findAccount(trx, invitation.account_id))!;
  const twoFactorReady = user.totp_enabled_at !== null || !account.require_two_factor;
  if (twoFactorReady) {
    await setMemberStatus(trx, invitation.account_id, invitation.member_id, 'active', now, ['invited']);
  }
  await recordEvent(trx, {
    accountId: invitation.account_id,
    actor: { type: 'user', id: user.id, name: named[0].name || user.email },
    action: 'invitation.accepted',
    target: { type: 'member', id: invitation.member_id, name: invitation.email },
    after: {
      status: twoFactorReady ? 'active' : 'invited',
      waitingFor: twoFactorReady ? null : 'two_factor_enrolment',
    },
    context,
    at: now,
  });
  return { accountId: invitation.account_id, memberId: invitation.member_id, userId: user.id, active: twoFactorReady };
}

/**
 * A person without a user yet accepts: sets name and password. The membership turns active
 * once they have enrolled TOTP (see activateAcceptedMemberships), or at once where the
 * account does not require 2FA.
 */
export async function acceptAsNewUser(
  deps: AcceptDeps,
  input: { token: string; name: string; password: string },
  context: RequestContext,
): Promise<Accepted> {
  const invitation = await pendingByToken(deps, input.token);
  // Hash outside the transaction: argon2 is deliberately slow.
  const passwordHash = await deps.hashNewPassword(input.password, invitation.email);
  const name = input.name.trim().normalize('NFKC');
  return deps.access.commit(async (trx, changed) => {
    const accepted = await consume(deps, trx, input.token, context, async (user) => {
      if (user.password_hash !== null) throw new AppError('invitation.sign_in_required');
      await sql`update users set password_hash = ${passwordHash}, name = ${name}, updated_at = ${deps.clock.now()} where id = ${user.id}`.execute(
        trx,
      );
    });
    changed({ kind: 'member', id: accepted.memberId }, { kind: 'user', id: accepted.userId });
    return accepted;
  });
}

/** A signed-in person accepts; the invitation must be for their own address. */
export async function acceptAsSignedInUser(
  deps: AcceptDeps,
  input: { token: string; userId: string },
  context: RequestContext,
): Promise<Accepted> {
  return deps.access.commit(async (trx, changed) => {
    const accepted = await consume(deps, trx, input.token, context, async (user) => {
      if (user.id !== input.userId)
        throw new AppError('invitation.email_mismatch', 'This invitation was sent to another email address');
    });
    changed({ kind: 'member', id: accepted.memberId }, { kind: 'user', id: accepted.userId });
    return accepted;
  });
}
