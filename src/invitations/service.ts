import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import { findAccount } from '../accounts/store.js';
import { findOrCreateUser, insertMember } from '../accounts/store.js';
import type { Catalog, Grant } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import { assertKnownFlags, assertProfilesExist, assertResourcesExist } from '../members/validate.js';
import { assertScopeChangeAllowed, newMemberScope } from '../members/resource-rules.js';
import { setStatus as setMemberStatus } from '../members/store.js';
import { assertCanGrant, assertCanGrantScope, assertValidGrants } from '../access/no-escalation.js';
import { createRole, resolveAssignableRole, type RoleRef, roleColumns } from '../roles/service.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { normaliseEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import { hashToken, newSecretToken } from '../shared/tokens.js';
import type { SendMail } from '../mail/outbox.js';
import { invitationExpiry, invitationMail, issueInvitation } from './issue.js';
import * as store from './store.js';
import { type InvitationView, invitationView } from './view.js';

export interface InvitationsDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
  /** Queues the invitation email inside the inviting transaction. */
  sendMail: SendMail;
}

export interface InviteInput {
  email: string;
  name?: string;
  identity?: { idType?: string; idNumber?: string; phone?: string };
  roleId?: string;
  permissions?: Grant[];
  /** A custom role created in the same step (needs roles.manage too). */
  newRole?: { name: string; description?: string; permissions: Grant[] };
  profileIds?: string[] | null;
  resources?: Record<string, string[]>;
  flags?: Record<string, boolean>;
}

/** Resend at most this often, and this many times in all, so resending cannot flood an inbox. */
const resendIntervalMs = 60_000;
const maxSends = 10;

interface PreparedInvite {
  email: string;
  name: string;
  ref: RoleRef | { permissions: Grant[] };
  roleName: string;
  input: InviteInput;
  /**
   * The new member's resource scope: what the invitation names, the catalog's default for the
   * rest.
   */
  resources: Record<string, string[]>;
}

/**
 * Checks one invitation completely without writing anything (bulk invites check every row
 * first).
 */
async function prepareInvite(
  deps: InvitationsDeps,
  access: AccountAccess,
  input: InviteInput,
  db: Db,
): Promise<PreparedInvite> {
  const choices = [input.roleId, input.permissions, input.newRole].filter((choice) => choice !== undefined).length;
  if (choices !== 1) throw new AppError('request.invalid', 'Give exactly one of roleId, permissions or newRole');
  const email = normaliseEmail(input.email);
  let ref: PreparedInvite['ref'];
  let grants: Grant[];
  let roleName: string;
  if (input.roleId !== undefined) {
    const role = await resolveAssignableRole(deps, db, access.accountId, input.roleId);
    ({ ref, grants, name: roleName } = role);
  } else {
    grants = input.permissions ?? input.newRole!.permissions;
    assertValidGrants(deps.catalog, grants);
    ref = { permissions: grants };
    roleName = input.newRole?.name ?? 'Custom permissions';
  }
  assertCanGrant(deps.catalog, access, grants);
  if (input.flags) assertKnownFlags(deps.catalog, input.flags);
  // The scope the member will really have, defaults included: an inviter limited to some
  // profiles or resources cannot hand out every one by naming none (PRODUCT rule 2).
  const resources = newMemberScope(deps.catalog, input.resources);
  assertCanGrantScope(access, { profileIds: input.profileIds ?? null, resourceScope: resources }, input.flags);
  if (input.profileIds) await assertProfilesExist(db, access.accountId, input.profileIds);
  if (input.resources) await assertResourcesExist(deps.catalog, db, access.accountId, input.resources);
  // The invited member is not active: types assigned only to active members keep their default.
  assertScopeChangeAllowed(deps.catalog, 'invited', newMemberScope(deps.catalog), resources);
  return { email, name: input.name?.trim() ?? '', ref, roleName, input, resources };
}

async function writeInvite(
  deps: InvitationsDeps,
  access: AccountAccess,
  prepared: PreparedInvite,
  trx: Db,
  changed: (...c: { kind: 'user'; id: string }[]) => void,
): Promise<InvitationView> {
  const now = deps.clock.now();
  const account = (await findAccount(trx, access.accountId))!;
  const existing = await store.liveMemberByEmail(trx, access.accountId, prepared.email);
  if (existing) {
    throw new AppError(
      'member.already_member',
      existing.status === 'invited'
        ? 'This address already has a pending invitation; resend it instead'
        : 'This person is already a member of the account',
    );
  }
  let ref = prepared.ref;
  if (prepared.input.newRole) {
    const role = await createRole(
      { access: deps.access, catalog: deps.catalog, clock: deps.clock },
      access,
      prepared.input.newRole,
      trx,
      'body/newRole/name',
    );
    ref = { roleId: role.id };
  }
  // The answer is the same whether or not the address already has a user elsewhere.
  const user = await findOrCreateUser(trx, { id: newId('usr'), email: prepared.email, name: prepared.name });
  const memberId = newId('mem');
  await insertMember(trx, {
    accountId: access.accountId,
    id: memberId,
    userId: user.id,
    status: 'invited',
    isOwner: false,
    ...roleColumns(ref),
    profileIds: prepared.input.profileIds ?? null,
    resourceScope: prepared.resources,
    flags: prepared.input.flags ?? {},
    identity: prepared.input.identity ?? {},
    createdBy: access.member?.snapshot.memberId ?? null,
    now,
  });
  changed({ kind: 'user', id: user.id });
  const inviterName = access.member ? access.member.row.user_name || access.member.row.user_email : account.name;
  const issued = await issueInvitation(trx, {
    accountId: access.accountId,
    memberId,
    email: prepared.email,
    invitedByMemberId: access.member?.snapshot.memberId ?? null,
    invitedByName: inviterName,
    lifetimeHours: account.invitation_lifetime_hours,
    now,
  });
  await deps.sendMail(
    trx,
    invitationMail({ email: prepared.email, accountId: access.accountId }, issued, {
      accountName: account.name,
      inviterName,
      roleName: prepared.roleName,
    }),
  );
  await recordAccessEvent(trx, access, now, {
    action: 'invitation.created',
    target: { type: 'member', id: memberId, name: prepared.email },
    after: {
      email: prepared.email,
      role: prepared.roleName,
      permissions: 'permissions' in ref ? ref.permissions : undefined,
      profileIds: prepared.input.profileIds ?? null,
      resources: prepared.resources,
      flags: prepared.input.flags ?? {},
      expiresAt: issued.expiresAt,
    },
  });
  return invitationView((await store.findInvitation(trx, access.accountId, issued.id))!, deps.catalog, now);
}

/** Invites one person by email (PRODUCT rule 3), granting no more than the inviter holds. */
export async function invite(
  deps: InvitationsDeps,
  access: AccountAccess,
  input: InviteInput,
): Promise<InvitationView> {
  requirePermission(access, 'users.invite');
  if (input.newRole) requirePermission(access, 'roles.manage');
  const prepared = await prepareInvite(deps, access, input, deps.access.database.db);
  return deps.access.commit((trx, changed) => writeInvite(deps, access, prepared, trx, changed));
}

/**
 * Invites every row or nobody: each row is validated first and all errors are reported
 * together, by row; then all invitations are written in one transaction.
 */
export async function inviteMany(
  deps: InvitationsDeps,
  access: AccountAccess,
  rows: InviteInput[],
): Promise<InvitationView[]> {
  requirePermission(access, 'users.invite');
  const errors: { field: string; message: string }[] = [];
  const prepared: PreparedInvite[] = [];
  const seen = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    const line = index + 2; // the header is line 1
    try {
      const one = await prepareInvite(deps, access, row, deps.access.database.db);
      const duplicate = seen.get(one.email);
      if (duplicate !== undefined) throw new AppError('request.invalid', `the same email as line ${duplicate}`);
      seen.set(one.email, line);
      const existing = await store.liveMemberByEmail(deps.access.database.db, access.accountId, one.email);
      if (existing)
        throw new AppError(
          'member.already_member',
          existing.status === 'invited' ? 'already invited' : 'already a member',
        );
      prepared.push(one);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ field: `line ${line}`, message: `${error.code}: ${error.detail}` });
    }
  }
  if (errors.length > 0)
    throw new AppError('request.invalid', `${errors.length} of ${rows.length} rows are invalid; nobody was invited`, {
      errors,
    });
  return deps.access.commit(async (trx, changed) => {
    const created: InvitationView[] = [];
    for (const one of prepared) created.push(await writeInvite(deps, access, one, trx, changed));
    return created;
  });
}

export async function listInvitations(
  deps: InvitationsDeps,
  access: AccountAccess,
  query: { status?: store.InvitationStatus; limit?: number; cursor?: string },
) {
  requirePermission(access, 'users.view');
  const limit = query.limit ?? 50;
  const before = query.cursor ? decodeCursor(query.cursor, { createdAt: 'timestamp', id: 'string' }) : undefined;
  const now = deps.clock.now();
  const rows = await store.listInvitations(
    deps.access.database.db,
    access.accountId,
    query.status,
    now,
    limit,
    before && { createdAt: new Date(before.createdAt), id: before.id },
  );
  const last = rows.at(-1);
  return {
    items: rows.map((row) => invitationView(row, deps.catalog, now)),
    nextCursor:
      rows.length === limit && last ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
  };
}

/** A new link for a pending or expired invitation; the old link dies with it. */
export async function resendInvitation(
  deps: InvitationsDeps,
  access: AccountAccess,
  invitationId: string,
): Promise<InvitationView> {
  requirePermission(access, 'users.invite');
  const now = deps.clock.now();
  return deps.access.database.db.transaction().execute(async (trx) => {
    const invitation = await store.findInvitation(trx, access.accountId, invitationId, true);
    if (!invitation) throw new AppError('invitation.not_found');
    if (invitation.status !== 'pending') throw new AppError('invitation.not_pending');
    if (now.getTime() - invitation.last_sent_at.getTime() < resendIntervalMs || invitation.send_count >= maxSends) {
      throw new AppError(
        'request.rate_limited',
        'This invitation was sent moments ago or too often; wait before resending',
        { headers: { 'retry-after': '60' } },
      );
    }
    const account = (await findAccount(trx, access.accountId))!;
    const token = newSecretToken();
    const expiresAt = invitationExpiry(now, account.invitation_lifetime_hours);
    // The row lock above keeps it pending until commit; without it, an accept or revoke in
    // between lands here, and then no mail with a link never stored, no event of no resend.
    if (!(await store.renewToken(trx, access.accountId, invitationId, hashToken(token), expiresAt, now)))
      throw new AppError('invitation.not_pending');
    const roleName = invitationView(invitation, deps.catalog, now).role?.name ?? 'Custom permissions';
    await deps.sendMail(
      trx,
      invitationMail(
        { email: invitation.email, accountId: access.accountId },
        { token, expiresAt },
        { accountName: account.name, inviterName: invitation.invited_by_name, roleName },
      ),
    );
    await recordAccessEvent(trx, access, now, {
      action: 'invitation.resent',
      target: { type: 'member', id: invitation.member_id, name: invitation.email },
      after: { expiresAt },
    });
    return invitationView((await store.findInvitation(trx, access.accountId, invitationId))!, deps.catalog, now);
  });
}

/** Revokes a pending invitation; the invited member row is removed with it. */
export async function revokeInvitation(
  deps: InvitationsDeps,
  access: AccountAccess,
  invitationId: string,
): Promise<void> {
  requirePermission(access, 'users.invite');
  const now = deps.clock.now();
  await deps.access.commit(async (trx, changed) => {
    const invitation = await store.findInvitation(trx, access.accountId, invitationId, true);
    if (!invitation) throw new AppError('invitation.not_found');
    if (invitation.is_owner) throw new AppError('member.owner_protected', 'The owner’s invitation can only be resent');
    if (!(await store.revokeInvitation(trx, access.accountId, invitationId, now)))
      throw new AppError('invitation.not_pending');
    await setMemberStatus(trx, access.accountId, invitation.member_id, 'removed', now, ['invited']);
    changed({ kind: 'member', id: invitation.member_id });
    await recordAccessEvent(trx, access, now, {
      action: 'invitation.revoked',
      target: { type: 'member', id: invitation.member_id, name: invitation.email },
    });
  });
}
