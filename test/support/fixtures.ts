import { sql } from 'kysely';
import type { App } from '../../src/app.js';
import type { Grant } from '../../src/catalog/catalog.js';
import { newId } from '../../src/shared/ids.js';
import { check, type Check, type Decision } from './clients/checks.js';
import { platform } from './clients/request.js';

/** The platform token's header, for raw `app.inject` calls (the typed clients take `platform`). */
export const platformHeaders = platform.headers;

/** Creates an account through the platform API and returns its ids and the owner's link. */
export async function createAccount(
  app: App,
  name = 'Acme Payments',
  ownerEmail = `owner-${newId('usr')}@example.com`,
) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: platformHeaders,
    payload: { name, ownerEmail },
  });
  if (res.statusCode !== 201) throw new Error(`account creation failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    accountId: body.account.id as string,
    ownerMemberId: body.ownerMemberId as string,
    invitationUrl: body.invitation.url as string,
    ownerEmail,
  };
}

/**
 * Makes the account's owner active with 2FA enrolled, as if they had accepted the
 * invitation (the acceptance flow itself is tested in the invitations suite).
 */
export async function activateOwner(app: App, accountId: string): Promise<{ memberId: string; userId: string }> {
  const db = app.deps.database.db;
  const { rows } = await sql<{ id: string; user_id: string }>`
    update members set status = 'active', activated_at = now() where account_id = ${accountId} and is_owner returning id, user_id`.execute(
    db,
  );
  const owner = rows[0];
  await sql`update users set totp_enabled_at = now() where id = ${owner.user_id}`.execute(db);
  app.deps.access.cache.invalidate([{ kind: 'user', id: owner.user_id }]);
  return { memberId: owner.id, userId: owner.user_id };
}

/**
 * The two accounts the check tests ask about: "Acme", whose owner is active (signed up with 2FA),
 * and "Globex", another merchant whose members must never count for Acme.
 */
export async function checkedAndOtherAccount(app: App): Promise<{ accountId: string; otherAccountId: string }> {
  const { accountId } = await createAccount(app, 'Acme');
  const { accountId: otherAccountId } = await createAccount(app, 'Globex');
  await activateOwner(app, accountId);
  return { accountId, otherAccountId };
}

export interface MemberFixture {
  email?: string;
  builtinRole?: string;
  roleId?: string;
  permissions?: Grant[];
  profileIds?: string[] | null;
  resourceScope?: Record<string, string[]>;
  flags?: Record<string, boolean>;
  status?: 'invited' | 'active' | 'inactive' | 'removed';
  twoFactor?: boolean;
}

/** Inserts a member (and their user) directly, for tests that exercise decisions, not flows. */
export async function addMember(
  app: App,
  accountId: string,
  fixture: MemberFixture = {},
): Promise<{ memberId: string; userId: string; email: string }> {
  const db = app.deps.database.db;
  const userId = newId('usr');
  const memberId = newId('mem');
  const email = fixture.email ?? `${memberId}@example.com`;
  await sql`insert into users (id, email, name, totp_enabled_at) values (${userId}, ${email}, ${'Member ' + memberId.slice(-4)},
    ${fixture.twoFactor === false ? null : new Date()})`.execute(db);
  const hasRole = fixture.roleId || fixture.permissions;
  await sql`
    insert into members (account_id, id, user_id, status, builtin_role, role_id, permissions, profile_ids, resource_scope, flags)
    values (${accountId}, ${memberId}, ${userId}, ${fixture.status ?? 'active'}, ${hasRole ? null : (fixture.builtinRole ?? 'view_only')},
            ${fixture.roleId ?? null}, ${fixture.permissions ? JSON.stringify(fixture.permissions) : null}::jsonb,
            ${fixture.profileIds ?? null}, ${JSON.stringify(fixture.resourceScope ?? {})}::jsonb, ${JSON.stringify(fixture.flags ?? {})}::jsonb)`.execute(
    db,
  );
  return { memberId, userId, email };
}

/** One decision through the public check API with the platform token (throws unless it answers 200). */
export async function checkDecision(app: App, body: Check): Promise<Decision> {
  const res = await check(app, platform, body);
  if (res.status !== 200) throw new Error(`check failed: ${res.status} ${res.response.body}`);
  return res.body;
}
