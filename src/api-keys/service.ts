import type { AccessService } from '../access/access-service.js';
import type { MemberEntry } from '../access/access-cache.js';
import { type AccountAccess, decide, requirePermission } from '../access/guard.js';
import { recordAccessEvent } from '../audit/access-events.js';
import { compileGrants, type CompiledGrants } from '../authz/engine.js';
import type { Catalog, Grant } from '../catalog/catalog.js';
import type { Actor } from '../access/actor.js';
import { assertCanGrant, assertValidGrants } from '../access/no-escalation.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { displayPrefix, hashApiKey, isWellFormedKey, newApiKey } from './format.js';
import * as store from './store.js';

export interface ApiKeysDeps {
  access: AccessService;
  catalog: Catalog;
  clock: Clock;
}

export interface ApiKeyView {
  id: string;
  memberId: string;
  memberName: string;
  name: string;
  prefix: string;
  permissions: Grant[] | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const maxLifetimeMs = 2 * 365 * 24 * 3600_000;

function view(row: store.ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    memberId: row.member_id,
    memberName: row.member_name || row.member_email,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** A person acting for themselves; keys cannot manage keys and the platform has no member. */
function requirePersonMember(access: AccountAccess): MemberEntry {
  if (access.actor.type === 'api_key') throw new AppError('authz.key_not_allowed', 'API keys cannot manage API keys');
  if (!access.member) throw new AppError('authz.forbidden', 'API keys belong to members; sign in as one');
  return access.member;
}

/**
 * Creates a key for the acting member (their flags must allow API access), optionally
 * limited to a subset of their permissions and given an expiry. The key is returned this
 * once; only its hash is kept.
 */
export async function createKey(
  deps: ApiKeysDeps,
  access: AccountAccess,
  input: { name: string; expiresAt?: string; permissions?: Grant[] },
): Promise<ApiKeyView & { key: string }> {
  const member = requirePersonMember(access);
  requirePermission(access, 'api.access');
  if (!member.snapshot.flags.apiAccess)
    throw new AppError('authz.forbidden', 'API access is not enabled for your membership');
  const now = deps.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && (expiresAt.getTime() <= now.getTime() || expiresAt.getTime() - now.getTime() > maxLifetimeMs)) {
    throw new AppError('request.invalid', 'The expiry must be in the future and within two years', {
      errors: [{ field: 'body/expiresAt', message: 'out of range' }],
    });
  }
  if (input.permissions) {
    assertValidGrants(deps.catalog, input.permissions);
    assertCanGrant(deps.catalog, access, input.permissions);
  }
  const key = newApiKey();
  const row = {
    accountId: access.accountId,
    id: newId('key'),
    memberId: member.snapshot.memberId,
    name: input.name.trim(),
    prefix: displayPrefix(key),
    keyHash: hashApiKey(key),
    permissions: input.permissions ?? null,
    expiresAt,
    createdBy: member.snapshot.memberId,
    now,
  };
  await deps.access.database.db.transaction().execute(async (trx) => {
    await store.insertApiKey(trx, row);
    await recordAccessEvent(trx, access, now, {
      action: 'api_key.created',
      target: { type: 'api_key', id: row.id, name: row.name },
      after: { name: row.name, prefix: row.prefix, permissions: row.permissions, expiresAt },
    });
  });
  return {
    id: row.id,
    memberId: row.memberId,
    memberName: member.row.user_name || member.row.user_email,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    expiresAt,
    lastUsedAt: null,
    createdAt: now,
    revokedAt: null,
    key,
  };
}

/** Your own keys; with users.edit (or as the platform) everyone's, never the secrets. */
export async function listKeys(deps: ApiKeysDeps, access: AccountAccess, memberId?: string): Promise<ApiKeyView[]> {
  if (access.actor.type === 'api_key') throw new AppError('authz.key_not_allowed', 'API keys cannot manage API keys');
  const seesAll = !access.member || decide(access, 'users.edit').allowed;
  const own = access.member?.snapshot.memberId ?? null;
  const rows = await store.listKeys(deps.access.database.db, access.accountId, seesAll ? (memberId ?? null) : own);
  return rows.map(view);
}

/** Revokes a key at once; its own member, an admin with users.edit, or the platform. */
export async function revokeKey(deps: ApiKeysDeps, access: AccountAccess, keyId: string): Promise<void> {
  if (access.actor.type === 'api_key') throw new AppError('authz.key_not_allowed', 'API keys cannot manage API keys');
  const now = deps.clock.now();
  await deps.access.commit(async (trx, changed) => {
    const key = await store.findKey(trx, access.accountId, keyId);
    if (!key) throw new AppError('api_key.not_found');
    if (access.member && key.member_id !== access.member.snapshot.memberId) requirePermission(access, 'users.edit');
    if (!(await store.revokeKey(trx, access.accountId, keyId, access.member?.snapshot.memberId ?? 'platform', now)))
      return;
    changed({ kind: 'api_key', id: keyId });
    await recordAccessEvent(trx, access, now, {
      action: 'api_key.revoked',
      target: { type: 'api_key', id: keyId, name: key.name },
      before: { prefix: key.prefix, memberId: key.member_id },
    });
  });
}

/**
 * Recognises `Authorization: Bearer gh_mk_…`. A malformed key or a wrong checksum fails
 * before any lookup; only a key whose hash is on file learns that it is revoked or expired.
 */
export async function authenticateKey(deps: ApiKeysDeps, key: string): Promise<Extract<Actor, { type: 'api_key' }>> {
  if (!isWellFormedKey(key)) throw new AppError('auth.invalid_credentials');
  const row = await store.findByHash(deps.access.database.db, hashApiKey(key));
  if (!row) throw new AppError('auth.invalid_credentials');
  const now = deps.clock.now();
  const state = keyState(row, now);
  if (state !== 'live') throw new AppError(state === 'revoked' ? 'auth.api_key_revoked' : 'auth.api_key_expired');
  // Most requests of a busy key find it used this minute already and write nothing.
  if (store.lastUseIsStale(row.last_used_at, now)) store.touchKey(deps.access.database.db, row.id, now).catch(() => {});
  return {
    type: 'api_key',
    apiKeyId: row.id,
    accountId: row.account_id,
    memberId: row.member_id,
    userId: row.user_id,
    limit: compileLimit(deps.catalog, row.permissions),
  };
}

function keyState(row: Pick<store.ApiKeyRow, 'revoked_at' | 'expires_at'>, now: Date): 'live' | 'revoked' | 'expired' {
  if (row.revoked_at) return 'revoked';
  return row.expires_at && row.expires_at.getTime() <= now.getTime() ? 'expired' : 'live';
}

function compileLimit(catalog: Catalog, permissions: Grant[] | null): CompiledGrants | undefined {
  return permissions ? compileGrants(catalog, permissions) : undefined;
}

/** For `subject: { apiKeyId }` in authorization checks: live keys only. */
export async function keySubject(deps: ApiKeysDeps, accountId: string, apiKeyId: string) {
  const row = await store.findKey(deps.access.database.db, accountId, apiKeyId);
  if (!row || keyState(row, deps.clock.now()) !== 'live') return undefined;
  return { memberId: row.member_id, limit: compileLimit(deps.catalog, row.permissions) };
}
