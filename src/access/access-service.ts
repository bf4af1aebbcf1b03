import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import type { CompiledGrants } from '../authz/engine.js';
import type { Database, Db } from '../db/database.js';
import { AccessCache, compileMember, type MemberEntry } from './access-cache.js';
import { sql } from 'kysely';
import {
  type AccessChange,
  accessChannel,
  ackChannel,
  decodeChanges,
  encodeChanges,
  notifyInTransaction,
  parseResourceChange,
} from './changes.js';
import { ResourceIndex } from './resource-index.js';
import { loadAccountMembers, loadMemberAccess, loadMembershipOf } from './snapshot-store.js';

/** Where the change feed reports its losses and recoveries (the app's logger). */
export interface FeedLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** How long a write waits for every instance to acknowledge its change before answering anyway. */
const ackTimeoutMs = 2000;

/** Registered resources held in memory across all accounts, unless configured. */
export const defaultResourceBudget = 1_000_000;

/**
 * Authorization state for every instance: memberships are compiled lazily into memory and
 * dropped precisely when a write names them. Writes go through {@link commit}, which sends
 * the change with the transaction (NOTIFY is delivered only on commit), applies it locally
 * at once, and answers only when every other live instance has acknowledged applying it
 * (instances are counted by their LISTEN connections) or {@link ackTimeoutMs} has passed: so
 * the affected member's very next request, on whichever instance it lands, is decided on the
 * new state (PRODUCT rule 8).
 */
export class AccessService {
  readonly cache = new AccessCache();
  readonly resources: ResourceIndex;
  private readonly origin = randomBytes(6).toString('hex');
  private sequence = 0;
  /** Per own change: which instances have acknowledged it (this one included, as 'self'). */
  private readonly acks = new Map<number, Set<string>>();
  private readonly ackWaiters = new Map<number, { needed: number; resolve: () => void }>();
  private readonly loading = new Map<string, Promise<MemberEntry | undefined>>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Channels whose LISTEN connection is lost: changes made meanwhile go unheard. */
  private readonly feedDown = new Set<string>();

  constructor(
    readonly database: Database,
    readonly catalog: Catalog,
    private readonly log: FeedLog = { warn: () => {}, info: () => {} },
    options: { resourceBudget?: number } = {},
  ) {
    this.resources = new ResourceIndex(database.db, options.resourceBudget ?? defaultResourceBudget);
  }

  async start(): Promise<void> {
    const unlistenAcks = await this.database.listen(
      ackChannel,
      (payload) => this.receiveAck(payload),
      this.feedEvents(ackChannel),
    );
    const unlistenChanges = await this.database.listen(
      accessChannel,
      (payload) => this.receive(payload),
      this.feedEvents(accessChannel),
    );
    this.unlisten = async () => {
      await unlistenChanges();
      await unlistenAcks();
    };
  }

  async stop(): Promise<void> {
    for (const waiter of this.ackWaiters.values()) waiter.resolve();
    await this.unlisten?.();
  }

  /**
   * Whether this instance hears every change (and every acknowledgement) other instances make.
   * While it does not, nothing compiled is kept: each decision is loaded fresh from the
   * database, so a change missed meanwhile cannot be decided on stale data.
   */
  get feedLive(): boolean {
    return this.unlisten !== undefined && this.feedDown.size === 0;
  }

  private feedEvents(channel: string) {
    return {
      down: (error: unknown) => {
        const wasLive = this.feedLive;
        this.feedDown.add(channel);
        this.cache.pause();
        this.resources.pause();
        this.warmAccounts.clear();
        // No acknowledgement can arrive now: writes waiting for them answer at once.
        for (const waiter of this.ackWaiters.values()) waiter.resolve();
        if (wasLive)
          this.log.warn({ err: error, channel }, 'change feed lost: deciding from fresh loads until it is back');
      },
      up: () => {
        this.feedDown.delete(channel);
        if (this.feedDown.size > 0) return;
        // Anything cached before the loss may predate a change that was missed: start empty.
        this.cache.resume();
        this.resources.resume();
        this.warmAccounts.clear();
        if (this.unlisten) this.log.info({ channel }, 'change feed back: caching compiled memberships again');
      },
    };
  }

  private receive(payload: string): void {
    const message = decodeChanges(payload);
    if (!message) return;
    this.apply(message.changes);
    if (message.origin === this.origin) this.acknowledge(message.sequence, 'self');
    else {
      // Tell the writer this instance has applied its change. Over the pool: the LISTEN
      // connection runs nothing but LISTEN, which is how instances are counted.
      sql`select pg_notify(${ackChannel}, ${`${message.origin}|${message.sequence}|${this.origin}`})`
        .execute(this.database.db)
        .catch(() => {});
    }
  }

  /** Drops whatever the changes name from memory (compiled members, registered resources). */
  private apply(changes: AccessChange[]): void {
    this.cache.invalidate(changes);
    for (const change of changes) {
      // An account-wide change drops its members: the next miss loads them all again.
      if (change.kind === 'account') this.warmAccounts.delete(change.id);
      if (change.kind !== 'resource') continue;
      const resource = parseResourceChange(change.id);
      if (resource) this.resources.changed(resource.accountId, resource.type, resource.externalId);
    }
  }

  private receiveAck(payload: string): void {
    const [origin, sequence, instance] = payload.split('|');
    if (origin === this.origin && instance) this.acknowledge(Number(sequence), instance);
  }

  private acknowledge(sequence: number, instance: string): void {
    let got = this.acks.get(sequence);
    if (!got) this.acks.set(sequence, (got = new Set()));
    got.add(instance);
    const waiter = this.ackWaiters.get(sequence);
    if (waiter && got.size >= waiter.needed) waiter.resolve();
  }

  /** Other instances listening on this database, counted by their LISTEN connections. */
  private async otherInstances(): Promise<number> {
    if (this.database.kind !== 'postgres') return 0;
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from pg_stat_activity
       where datname = current_database() and state = 'idle' and query = ${`LISTEN "${accessChannel}"`}`.execute(
      this.database.db,
    );
    return Math.max(0, Number(rows[0]?.n ?? 1) - 1);
  }

  /** Accounts are never deleted, so once seen an account id stays known. */
  private readonly knownAccounts = new Set<string>();

  async accountExists(accountId: string): Promise<boolean> {
    if (this.knownAccounts.has(accountId)) return true;
    const { rows } = await sql`select 1 from accounts where id = ${accountId}`.execute(this.database.db);
    if (rows.length > 0) this.knownAccounts.add(accountId);
    return rows.length > 0;
  }

  /** The member's compiled access if it is already in memory, without touching the database. */
  loadedMember(memberId: string): MemberEntry | undefined {
    return this.cache.getMember(memberId);
  }

  /** The compiled membership, loading it on first use. */
  async member(memberId: string): Promise<MemberEntry | undefined> {
    const cached = this.loadedMember(memberId);
    if (cached) return cached;
    return this.load(`m ${memberId}`, () => loadMemberAccess(this.database.db, memberId));
  }

  /** Accounts whose members were all loaded at once (since the cache last started empty). */
  private readonly warmAccounts = new Set<string>();
  private readonly accountLoads = new Map<string, Promise<Map<string, MemberEntry>>>();
  /** Whole-account member loads since start (the benchmark reports them). */
  memberAccountLoads = 0;

  /**
   * The member of this account, loading the whole account at once on its first miss (a
   * restart's cold checks then cost one load per account, two queries, not a query per
   * member). Later misses (a member changed since) load that member alone. undefined: no such
   * member in the account.
   */
  async memberOf(accountId: string, memberId: string): Promise<MemberEntry | undefined> {
    const cached = this.loadedMember(memberId);
    if (cached) return cached.snapshot.accountId === accountId ? cached : undefined;
    if (this.feedLive && !this.warmAccounts.has(accountId)) {
      const loaded = await this.loadAccount(accountId);
      const entry = loaded.get(memberId);
      if (entry || this.warmAccounts.has(accountId)) return entry;
    }
    const entry = await this.member(memberId);
    return entry?.snapshot.accountId === accountId ? entry : undefined;
  }

  private loadAccount(accountId: string): Promise<Map<string, MemberEntry>> {
    const inFlight = this.accountLoads.get(accountId);
    if (inFlight) return inFlight;
    const start = this.cache.beginBulk();
    const promise = loadAccountMembers(this.database.db, accountId)
      .then(
        (rows) => {
          this.memberAccountLoads++;
          const roleGrants = new Map<string, CompiledGrants>();
          const entries = rows.map((row) => compileMember(this.catalog, row, roleGrants));
          const stored = this.cache.putMany(entries, start);
          if (stored) this.warmAccounts.add(accountId);
          return new Map(entries.map((entry) => [entry.snapshot.memberId, entry]));
        },
        (error: unknown) => {
          this.cache.putMany([], start);
          throw error;
        },
      )
      .finally(() => this.accountLoads.delete(accountId));
    this.accountLoads.set(accountId, promise);
    return promise;
  }

  /** The user's live membership in the account, loading it on first use. */
  async membershipOf(accountId: string, userId: string): Promise<MemberEntry | undefined> {
    const memberId = this.cache.getMembership(accountId, userId);
    if (memberId === null) return undefined;
    if (memberId !== undefined) return this.member(memberId);
    const generation = this.cache.generation;
    const entry = await this.load(`u ${accountId} ${userId}`, () =>
      loadMembershipOf(this.database.db, accountId, userId),
    );
    if (!entry) this.cache.putMembership(accountId, userId, null, generation);
    return entry;
  }

  /** Single-member loads since start (the benchmark reports them). */
  memberLoads = 0;

  private load(key: string, query: () => ReturnType<typeof loadMemberAccess>): Promise<MemberEntry | undefined> {
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    this.memberLoads++;
    const generation = this.cache.generation;
    const promise = query()
      .then((row) => {
        if (!row) return undefined;
        const entry = compileMember(this.catalog, row);
        this.cache.put(entry, generation);
        return entry;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  /**
   * Runs `work` in a transaction; whatever it reports through `changed` invalidates every
   * instance's compiled state when, and only if, the transaction commits.
   */
  async commit<T>(work: (trx: Db, changed: (...changes: AccessChange[]) => void) => Promise<T>): Promise<T> {
    const changes: AccessChange[] = [];
    const sequence = ++this.sequence;
    const result = await this.database.db.transaction().execute(async (trx) => {
      const value = await work(trx, (...more) => void changes.push(...more));
      if (changes.length > 0) await notifyInTransaction(trx, encodeChanges(this.origin, sequence, changes));
      return value;
    });
    if (changes.length > 0) {
      this.apply(changes);
      // Without a live feed no acknowledgement can be heard; the other instances still get the
      // NOTIFY from PostgreSQL (or, with their own feed down, keep nothing cached).
      if (this.feedLive) await this.awaitAcks(sequence, 1 + (await this.otherInstances()));
    }
    return result;
  }

  private async awaitAcks(sequence: number, needed: number): Promise<void> {
    if ((this.acks.get(sequence)?.size ?? 0) < needed && this.feedLive) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ackTimeoutMs);
        this.ackWaiters.set(sequence, {
          needed,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    this.ackWaiters.delete(sequence);
    this.acks.delete(sequence);
  }
}
