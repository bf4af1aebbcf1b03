import type { Catalog } from '../catalog/catalog.js';
import { compileGrants, type CompiledGrants, fullGrants, type MemberSnapshot } from '../authz/engine.js';
import type { AccessChange } from './changes.js';
import type { MemberAccessRow } from './snapshot-store.js';

/** A compiled membership plus the keys it is invalidated by. */
export interface MemberEntry {
  snapshot: MemberSnapshot;
  userId: string;
  roleId: string | null;
  builtinRole: string | null;
  row: MemberAccessRow;
}

const maxEntries = 200_000;

/** Turns a stored membership into the engine's precompiled form. */
export function compileMember(
  catalog: Catalog,
  row: MemberAccessRow,
  roleGrants?: Map<string, CompiledGrants>,
): MemberEntry {
  const grants = row.is_owner ? fullGrants(catalog) : memberGrants(catalog, row, roleGrants);
  const snapshot: MemberSnapshot = {
    memberId: row.member_id,
    accountId: row.account_id,
    status: row.status,
    isOwner: row.is_owner,
    accountActive: row.account_status === 'active',
    twoFactorRequired: row.require_two_factor,
    twoFactorEnrolled: row.two_factor_enrolled,
    grants,
    profileIds: row.profile_ids === null ? null : new Set(row.profile_ids),
    resourceScope: new Map(Object.entries(row.resource_scope ?? {}).map(([type, ids]) => [type, new Set(ids)])),
    flags: effectiveFlags(catalog, row),
  };
  return { snapshot, userId: row.user_id, roleId: row.role_id, builtinRole: row.builtin_role, row };
}

/**
 * The member's compiled grants; members of one role share one compiled copy when `roleGrants`
 * is given (a whole account compiled at once: 10,000 members, a few dozen roles).
 */
function memberGrants(
  catalog: Catalog,
  row: MemberAccessRow,
  roleGrants: Map<string, CompiledGrants> | undefined,
): CompiledGrants {
  const list =
    row.member_permissions ?? row.role_permissions ?? catalog.builtinRole(row.builtin_role ?? '')?.grants ?? [];
  if (row.member_permissions !== null || roleGrants === undefined) return compileGrants(catalog, list);
  const key = row.role_id ?? `builtin ${row.builtin_role}`;
  let grants = roleGrants.get(key);
  if (!grants) roleGrants.set(key, (grants = compileGrants(catalog, list)));
  return grants;
}

/** Catalog defaults, overridden by the member's own flags; the owner has every flag on. */
function effectiveFlags(catalog: Catalog, row: MemberAccessRow): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const flag of catalog.flags) flags[flag.key] = row.is_owner ? true : (row.flags?.[flag.key] ?? flag.default);
  return flags;
}

/**
 * Memberships compiled in memory, with indexes from every key a change can name (member,
 * user, role, account) to the entries it must drop. Invalidation bumps a generation so that
 * a load which raced with it is not cached.
 */
export class AccessCache {
  private readonly members = new Map<string, MemberEntry>();
  /** `${accountId} ${userId}` → member id (null: known not to be a member). */
  private readonly memberships = new Map<string, string | null>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly byRole = new Map<string, Set<string>>();
  private readonly byAccount = new Map<string, Set<string>>();
  generation = 0;
  /** While paused nothing is cached: every lookup misses and is loaded fresh. */
  private paused = false;
  /** Bumped by clear(): nothing loaded before may be stored. */
  private epoch = 0;
  /** Changes heard while bulk loads run, by generation: a bulk load skips the members they name. */
  private readonly changeLog: { generation: number; changes: AccessChange[] }[] = [];
  private bulkLoads = 0;

  getMember(memberId: string): MemberEntry | undefined {
    return this.members.get(memberId);
  }

  getMembership(accountId: string, userId: string): string | null | undefined {
    return this.memberships.get(`${accountId} ${userId}`);
  }

  put(entry: MemberEntry, generationAtLoad: number): void {
    if (generationAtLoad !== this.generation || this.paused) return;
    if (this.members.size >= maxEntries) this.clear();
    const id = entry.snapshot.memberId;
    this.members.set(id, entry);
    index(this.byUser, entry.userId, id);
    index(this.byAccount, entry.snapshot.accountId, id);
    if (entry.roleId) index(this.byRole, entry.roleId, id);
    if (entry.snapshot.status !== 'removed')
      this.putMembership(entry.snapshot.accountId, entry.userId, id, generationAtLoad);
  }

  putMembership(accountId: string, userId: string, memberId: string | null, generationAtLoad: number): void {
    if (generationAtLoad !== this.generation || this.paused) return;
    this.memberships.set(`${accountId} ${userId}`, memberId);
    index(this.byUser, userId, `@${accountId} ${userId}`);
  }

  /** Starts a bulk load: returns what {@link putMany} needs to skip members changed meanwhile. */
  beginBulk(): { generation: number; epoch: number } {
    this.bulkLoads++;
    return { generation: this.generation, epoch: this.epoch };
  }

  /**
   * Stores a bulk load's entries, except those a change heard since it began names (they may
   * predate the change; they are loaded again on their next use). Must follow each beginBulk.
   */
  putMany(entries: MemberEntry[], start: { generation: number; epoch: number }): boolean {
    this.bulkLoads--;
    let stored = false;
    if (start.epoch === this.epoch && !this.paused) {
      stored = true;
      const since = this.changeLog
        .filter((entry) => entry.generation > start.generation)
        .flatMap((entry) => entry.changes);
      const named = (kind: AccessChange['kind'], id: string | null) =>
        id !== null && since.some((change) => change.kind === kind && change.id === id);
      if (this.members.size + entries.length >= maxEntries) this.clear();
      const generation = this.generation;
      for (const entry of entries) {
        const stale =
          since.length > 0 &&
          (named('member', entry.snapshot.memberId) ||
            named('user', entry.userId) ||
            named('role', entry.roleId) ||
            named('account', entry.snapshot.accountId));
        if (!stale) this.put(entry, generation);
      }
    }
    if (this.bulkLoads === 0) this.changeLog.length = 0;
    return stored;
  }

  invalidate(changes: AccessChange[]): void {
    this.generation++;
    if (this.bulkLoads > 0) this.changeLog.push({ generation: this.generation, changes });
    for (const change of changes) {
      switch (change.kind) {
        case 'member':
          this.dropMember(change.id);
          break;
        case 'user':
          for (const key of take(this.byUser, change.id)) {
            if (key.startsWith('@')) this.memberships.delete(key.slice(1));
            else this.dropMember(key);
          }
          break;
        case 'role':
          for (const id of take(this.byRole, change.id)) this.dropMember(id);
          break;
        case 'account':
          for (const id of take(this.byAccount, change.id)) this.dropMember(id);
          break;
        case 'api_key':
          break; // keys are re-read per request; nothing compiled here depends on them
        case 'resource':
          break; // the resource index's business
      }
    }
  }

  clear(): void {
    this.generation++;
    this.epoch++;
    for (const map of [this.members, this.memberships, this.byUser, this.byRole, this.byAccount]) map.clear();
  }

  /**
   * Drops everything and caches nothing until {@link resume}: for while changes may go unheard.
   * The generation bump also keeps out loads that started before.
   */
  pause(): void {
    this.paused = true;
    this.clear();
  }

  /** Caches again, from empty: a load that began while paused may predate a missed change. */
  resume(): void {
    this.paused = false;
    this.clear();
  }

  private dropMember(memberId: string): void {
    const entry = this.members.get(memberId);
    if (!entry) return;
    this.members.delete(memberId);
    this.memberships.delete(`${entry.snapshot.accountId} ${entry.userId}`);
  }
}

function index(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function take(map: Map<string, Set<string>>, key: string): Set<string> {
  const set = map.get(key) ?? new Set<string>();
  map.delete(key);
  return set;
}
