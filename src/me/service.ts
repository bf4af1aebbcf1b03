import { recordSecurityEvent } from '../audit/identity-events.js';
import type { IdentityDeps } from '../auth/deps.js';
import { notifyPasswordChanged } from '../auth/notify.js';
import { assertAcceptablePassword, hashPassword, verifyPassword } from '../auth/password.js';
import * as credentials from '../auth/store.js';
import { recordFailedAttempt, reserveAttempt } from '../auth/attempts.js';
import { forgiveFailures } from '../auth/throttle.js';
import type { Catalog } from '../catalog/catalog.js';
import { revokeSessionsOfUser } from '../sessions/service.js';
import { AppError } from '../shared/app-error.js';
import type { RequestContext } from '../shared/context.js';
import * as store from './store.js';

export interface MeView {
  user: { id: string; email: string; name: string; twoFactorEnabled: boolean };
  memberships: {
    accountId: string;
    accountName: string;
    memberId: string;
    status: 'invited' | 'active' | 'inactive';
    isOwner: boolean;
    /** null when the member holds an individual set of permissions instead of a role. */
    role: { id: string; name: string } | null;
  }[];
}

/** The signed-in person and every account they belong to (removed memberships excepted). */
export async function getMe(deps: IdentityDeps & { catalog: Catalog }, userId: string): Promise<MeView> {
  const db = deps.database.db;
  const [user, memberships] = await Promise.all([store.findUserProfile(db, userId), store.listMemberships(db, userId)]);
  if (!user) throw new AppError('auth.required');
  return {
    user: { id: user.id, email: user.email, name: user.name, twoFactorEnabled: user.two_factor_enabled },
    memberships: memberships.map((row) => ({
      accountId: row.account_id,
      accountName: row.account_name,
      memberId: row.member_id,
      status: row.status,
      isOwner: row.is_owner,
      role: roleOf(deps.catalog, row),
    })),
  };
}

function roleOf(catalog: Catalog, row: store.MembershipRow): MeView['memberships'][number]['role'] {
  if (row.role_id) return { id: row.role_id, name: row.role_name ?? row.role_id };
  if (row.builtin_role)
    return { id: `builtin:${row.builtin_role}`, name: catalog.builtinRole(row.builtin_role)?.name ?? row.builtin_role };
  return null;
}

/** Changes the person's display name. */
export async function updateProfile(
  deps: IdentityDeps & { catalog: Catalog },
  userId: string,
  input: { name: string },
  context: RequestContext,
): Promise<MeView> {
  const name = input.name.trim().normalize('NFKC');
  const now = deps.clock.now();
  await deps.access.commit(async (trx, changed) => {
    const before = await store.findUserProfile(trx, userId);
    if (!before) throw new AppError('auth.required');
    await store.updateUserName(trx, userId, name, now);
    changed({ kind: 'user', id: userId });
    await recordSecurityEvent(trx, {
      action: 'profile.updated',
      userId,
      before: { name: before.name },
      after: { name },
      context,
      at: now,
    });
  });
  return getMe(deps, userId);
}

/**
 * Changes the password: the current one is required (ASVS 5.0 V6.2.3) and counts against the
 * brute-force limits when wrong; the new one must pass the policy. Every other session of
 * the user ends (V7.4.3) and a notice is mailed (V6.3.7).
 */
export async function changePassword(
  deps: IdentityDeps,
  actor: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  context: RequestContext,
): Promise<void> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const user = await credentials.findUserById(db, actor.userId);
  if (!user) throw new AppError('auth.required');
  assertAcceptablePassword(input.newPassword, user.email, 'newPassword');
  const attempt = await reserveAttempt(deps, { email: user.email, ip: context.ip }, 'password.change_failed', context);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await recordFailedAttempt(deps, attempt, user, 'password');
    throw new AppError('auth.invalid_credentials', 'The current password is not right');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await credentials.setPasswordHash(trx, user.id, passwordHash, now);
    await revokeSessionsOfUser(trx, user.id, actor.sessionId);
    await recordSecurityEvent(trx, { action: 'password.changed', userId: user.id, context, at: now });
    await notifyPasswordChanged(trx, deps, user.email, now);
  });
  await forgiveFailures(db, { email: user.email, ip: context.ip });
}
