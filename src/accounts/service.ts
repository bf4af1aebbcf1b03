import type { AccessService } from '../access/access-service.js';
import { type AccountAccess, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import { recordEvent } from '../audit/record.js';
import type { Catalog } from '../catalog/catalog.js';
import { type IssuedInvitation, invitationMail, issueInvitation } from '../invitations/issue.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { RequestContext } from '../shared/context.js';
import { normaliseEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import * as store from './store.js';
import type { SendMail } from '../mail/outbox.js';

export interface AccountsDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
  /** Queues the owner's invitation email inside the creating transaction. */
  sendMail: SendMail;
}

export interface OwnerInvitation extends IssuedInvitation {
  accountId: string;
  accountName: string;
  email: string;
}

export interface AccountView {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  settings: store.AccountSettings;
  createdAt: Date;
}

export function accountView(row: store.AccountRow): AccountView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    settings: {
      requireTwoFactor: row.require_two_factor,
      invitationLifetimeHours: row.invitation_lifetime_hours,
      sessionIdleMinutes: row.session_idle_minutes,
      sessionAbsoluteHours: row.session_absolute_hours,
    },
    createdAt: row.created_at,
  };
}

/**
 * Creates an account and invites its owner (PRODUCT rule 1: exactly one owner from the start).
 * The owner's membership is 'invited' until they accept, set a password and enrol 2FA.
 */
export async function createAccount(
  deps: AccountsDeps,
  input: { name: string; ownerEmail: string; ownerName?: string },
  context: RequestContext,
): Promise<{ account: AccountView; ownerMemberId: string; invitation: OwnerInvitation }> {
  const name = input.name.trim().normalize('NFKC');
  if (!name)
    throw new AppError('request.invalid', 'The account needs a name', {
      errors: [{ field: 'body/name', message: 'must not be blank' }],
    });
  const email = normaliseEmail(input.ownerEmail);
  const now = deps.clock.now();
  const accountId = newId('acc');
  const memberId = newId('mem');
  return deps.access.commit(async (trx, changed) => {
    await store.insertAccount(trx, { id: accountId, name, now });
    const user = await store.findOrCreateUser(trx, { id: newId('usr'), email, name: input.ownerName?.trim() ?? '' });
    await store.insertMember(trx, {
      accountId,
      id: memberId,
      userId: user.id,
      status: 'invited',
      isOwner: true,
      builtinRole: 'owner',
      roleId: null,
      permissions: null,
      profileIds: null,
      resourceScope: {},
      flags: {},
      identity: {},
      createdBy: null,
      now,
    });
    changed({ kind: 'user', id: user.id });
    const issued = await issueInvitation(trx, {
      accountId,
      memberId,
      email,
      invitedByMemberId: null,
      invitedByName: name,
      lifetimeHours: 72,
      now,
    });
    const invitation: OwnerInvitation = { ...issued, accountId, accountName: name, email };
    await deps.sendMail(
      trx,
      invitationMail({ email, accountId }, issued, { accountName: name, inviterName: name, roleName: 'Owner' }),
    );
    await recordEvent(trx, {
      accountId,
      actor: { type: 'platform', name: 'Platform' },
      action: 'account.created',
      target: { type: 'account', id: accountId, name },
      after: { name, ownerEmail: email, ownerMemberId: memberId },
      context,
      at: now,
    });
    const account = (await store.findAccount(trx, accountId))!;
    return { account: accountView(account), ownerMemberId: memberId, invitation };
  });
}

export async function getAccount(deps: AccountsDeps, access: AccountAccess): Promise<AccountView> {
  const row = await store.findAccount(deps.access.database.db, access.accountId);
  if (!row) throw new AppError('account.not_found');
  return accountView(row);
}

/**
 * Renames the account (`account.edit`) and/or changes its security settings
 * (`account.settings`; the route has already demanded step-up and confirmation for those).
 */
export async function updateAccount(
  deps: AccountsDeps,
  access: AccountAccess,
  input: { name?: string; settings?: Partial<store.AccountSettings> },
): Promise<AccountView> {
  if (input.name !== undefined) requirePermission(access, 'account.edit');
  if (input.settings !== undefined) requirePermission(access, 'account.settings');
  return deps.access.commit(async (trx, changed) => {
    const before = await store.findAccount(trx, access.accountId, true);
    if (!before) throw new AppError('account.not_found');
    const current = accountView(before);
    const name = input.name !== undefined ? input.name.trim().normalize('NFKC') : current.name;
    if (!name)
      throw new AppError('request.invalid', 'The account needs a name', {
        errors: [{ field: 'body/name', message: 'must not be blank' }],
      });
    const settings = { ...current.settings, ...input.settings };
    const now = deps.clock.now();
    await store.updateAccount(trx, access.accountId, name, settings, now);
    if (input.settings) changed({ kind: 'account', id: access.accountId });
    await recordAccessEvent(trx, access, now, {
      action: input.settings ? 'account.settings_changed' : 'account.renamed',
      target: { type: 'account', id: access.accountId, name },
      before: { name: current.name, settings: current.settings },
      after: { name, settings },
    });
    return { ...current, name, settings };
  });
}
