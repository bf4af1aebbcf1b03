import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** What a decision needs about a registered resource. */
export interface RegisteredResource {
  readonly profileId: string | null;
  readonly ownerMemberId: string | null;
}

/** One account's registered resources, complete: a key absent from `byType` is not registered. */
interface AccountResources {
  readonly byType: Map<string, Map<string, RegisteredResource>>;
  /** `${type}\n${id}` → change count: heard changed, not reloaded yet (answered from the database). */
  readonly unknown: Map<string, number>;
  size: number;
  /** For the LRU: the index's clock at the last lookup (a counter, so a lookup allocates nothing). */
  lastUsed: number;
}

interface AccountLoad {
  promise: Promise<void>;
  /** Keys changed while the load ran: the loaded rows may predate them. */
  changed: [string, string][];
}

const unknownKey = (type: string, id: string) => `${type}\n${id}`;

/**
 * Every registered resource's profile and owner, per account, so that a check naming a
 * resource never waits on the database: an account is loaded whole on first need (so "not
 * registered" is known too) and kept current by the access change feed, which names each
 * resource a write touched. Memory is bounded by `budget` resources in all: the least
 * recently used accounts are dropped first, and an account larger than the whole budget is
 * never held (its checks read the one resource they name).
 */
export class ResourceIndex {
  private readonly accounts = new Map<string, AccountResources>();
  private readonly loads = new Map<string, AccountLoad>();
  /** Accounts with more resources than the budget, as counted at their last load. */
  private readonly oversized = new Set<string>();
  private held = 0;
  private clock = 0;
  /** Bumped by clear(): a load that began before does not store its rows. */
  private epoch = 0;
  private paused = false;
  /** Whole-account loads since start (the benchmark reports them). */
  accountLoads = 0;
  /** Single-resource reads since start (after a change, for an oversized account, or while paused). */
  resourceReads = 0;

  constructor(
    private readonly db: Db,
    readonly budget: number,
  ) {}

  get size(): number {
    return this.held;
  }

  get accountCount(): number {
    return this.accounts.size;
  }

  /**
   * The registered resource, null when it is not registered, undefined when this is not
   * known in memory (the account is not loaded, or the resource changed and is being re-read).
   */
  lookup(accountId: string, type: string, id: string): RegisteredResource | null | undefined {
    const account = this.accounts.get(accountId);
    if (account === undefined) return undefined;
    account.lastUsed = ++this.clock;
    if (account.unknown.size > 0 && account.unknown.has(unknownKey(type, id))) return undefined;
    return account.byType.get(type)?.get(id) ?? null;
  }

  /** Like {@link lookup}, loading the account (or, failing that, the one resource) first. */
  async resolve(accountId: string, type: string, id: string): Promise<RegisteredResource | null> {
    const known = this.lookup(accountId, type, id);
    if (known !== undefined) return known;
    if (!this.paused && !this.oversized.has(accountId) && !this.accounts.has(accountId)) {
      await this.loadAccount(accountId);
      const loaded = this.lookup(accountId, type, id);
      if (loaded !== undefined) return loaded;
    }
    return this.readOne(accountId, type, id);
  }

  /**
   * Starts loading the account's resources if they are not in memory, so that a cold check
   * loads them while it loads its member.
   */
  prefetch(accountId: string): void {
    if (this.paused || this.oversized.has(accountId) || this.accounts.has(accountId)) return;
    this.loadAccount(accountId).catch(() => {}); // a failed load is retried by the check that needs it
  }

  /** A write changed this resource (here or on another instance): re-read it before trusting memory. */
  changed(accountId: string, type: string, id: string): void {
    this.loads.get(accountId)?.changed.push([type, id]);
    const account = this.accounts.get(accountId);
    if (account === undefined) return;
    this.forget(account, type, id);
  }

  /** Drops everything (the change feed was lost or is back). */
  clear(): void {
    this.epoch++;
    this.accounts.clear();
    this.oversized.clear();
    this.held = 0;
  }

  /** Holds nothing until {@link resume}: changes may go unheard meanwhile. */
  pause(): void {
    this.paused = true;
    this.clear();
  }

  resume(): void {
    this.paused = false;
    this.clear();
  }

  private forget(account: AccountResources, type: string, id: string): void {
    const ids = account.byType.get(type);
    if (ids?.delete(id)) {
      account.size--;
      this.held--;
    }
    const key = unknownKey(type, id);
    account.unknown.set(key, (account.unknown.get(key) ?? 0) + 1);
  }

  private loadAccount(accountId: string): Promise<void> {
    const inFlight = this.loads.get(accountId);
    if (inFlight) return inFlight.promise;
    const epoch = this.epoch;
    const load: AccountLoad = { promise: Promise.resolve(), changed: [] };
    load.promise = (async () => {
      try {
        const { rows } = await sql<{
          type: string;
          external_id: string;
          profile_id: string | null;
          owner_member_id: string | null;
        }>`
          select type, external_id, profile_id, owner_member_id from resources where account_id = ${accountId}`.execute(
          this.db,
        );
        this.accountLoads++;
        if (epoch !== this.epoch || this.paused) return;
        if (rows.length > this.budget) {
          this.oversized.add(accountId);
          return;
        }
        const account: AccountResources = {
          byType: new Map(),
          unknown: new Map(),
          size: rows.length,
          lastUsed: ++this.clock,
        };
        // Profiles and owners repeat across an account's resources: one copy of each id.
        const copies = new Map<string, string>();
        const shared = (id: string | null) => {
          if (id === null) return null;
          const copy = copies.get(id);
          if (copy !== undefined) return copy;
          copies.set(id, id);
          return id;
        };
        for (const row of rows) {
          let ids = account.byType.get(row.type);
          if (!ids) account.byType.set(row.type, (ids = new Map<string, RegisteredResource>()));
          ids.set(row.external_id, { profileId: shared(row.profile_id), ownerMemberId: shared(row.owner_member_id) });
        }
        this.evictFor(rows.length);
        this.accounts.set(accountId, account);
        this.held += rows.length;
        for (const [type, id] of load.changed) this.forget(account, type, id);
      } finally {
        this.loads.delete(accountId);
      }
    })();
    this.loads.set(accountId, load);
    return load.promise;
  }

  /** Makes room for `incoming` resources by dropping the least recently used accounts. */
  private evictFor(incoming: number): void {
    while (this.held + incoming > this.budget && this.accounts.size > 0) {
      let oldestId: string | undefined;
      let oldest = Infinity;
      for (const [accountId, account] of this.accounts) {
        if (account.lastUsed < oldest) {
          oldest = account.lastUsed;
          oldestId = accountId;
        }
      }
      const dropped = this.accounts.get(oldestId!)!;
      this.accounts.delete(oldestId!);
      this.held -= dropped.size;
    }
  }

  /** One resource from the database; kept when no change to it was heard during the read. */
  private async readOne(accountId: string, type: string, id: string): Promise<RegisteredResource | null> {
    const epoch = this.epoch;
    const key = unknownKey(type, id);
    const before = this.accounts.get(accountId);
    const version = before?.unknown.get(key);
    const { rows } = await sql<{ profile_id: string | null; owner_member_id: string | null }>`
      select profile_id, owner_member_id from resources where account_id = ${accountId} and type = ${type} and external_id = ${id}`.execute(
      this.db,
    );
    this.resourceReads++;
    const row = rows[0];
    const resource = row ? { profileId: row.profile_id, ownerMemberId: row.owner_member_id } : null;
    const account = this.accounts.get(accountId);
    if (
      epoch === this.epoch &&
      account !== undefined &&
      account === before &&
      version !== undefined &&
      account.unknown.get(key) === version
    ) {
      account.unknown.delete(key);
      if (resource) {
        let ids = account.byType.get(type);
        if (!ids) account.byType.set(type, (ids = new Map<string, RegisteredResource>()));
        ids.set(id, resource);
        account.size++;
        this.held++;
      }
    }
    return resource;
  }
}
