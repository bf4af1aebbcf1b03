import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ChannelListener, type FeedEvents } from './channel-listener.js';
import { lockDataDir, type LockOptions } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { parseTimestamptz } from './timestamptz.js';
import { defaultPgliteBufferMb } from '../config/config.js';

/**
 * Tables are typed per query with `sql<Row>` templates in each domain's store, so the
 * Kysely instance itself is untyped: the SQL stays visible and reviewable.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = Kysely<any>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Runs `callback` for every NOTIFY on `channel`; returns an unsubscribe function. On
   * PostgreSQL the connection is reopened with back-off when lost; `feed` hears when
   * notifications may have been missed (down) and when LISTEN holds again (up).
   */
  listen(channel: string, callback: (payload: string) => void, feed?: FeedEvents): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type { FeedEvents } from './channel-listener.js';

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
  /** Open an existing PGlite data directory at exactly this path (tests). */
  pglitePath?: string;
  /** How to wait for the lock on the PGlite data directory (see data-dir-lock.ts). */
  lock?: LockOptions;
  /** PGlite's buffer pool in MB (PostgreSQL's shared_buffers). */
  pgliteBufferMb?: number;
}

const parseBigint = (value: string) => Number(value);
const { INT8, TIMESTAMPTZ } = pg.types.builtins;

// Counts and ids fit comfortably in a double; timestamps stay Dates on both engines.
// Exported for benches, whose direct SQL must parse rows the way the service does.
export const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === (INT8 as number)) return parseBigint;
    if (format !== 'binary' && oid === (TIMESTAMPTZ as number)) return parseTimestamptz;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** An embedded database at `path` (created there on first use; in memory without one). */
export function createPGlite(path?: string, bufferMb = defaultPgliteBufferMb): Promise<PGlite> {
  return PGlite.create(path, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${bufferMb}MB`] });
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database under dataDir. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  const path = options.pglitePath ?? join(options.dataDir ?? '.gatehouse', 'pgdata');
  // Held until close (or the process ends): a second process would corrupt the files.
  const lock = await lockDataDir(dirname(path), options.lock);
  try {
    mkdirSync(path, { recursive: true });
    const database = await openPGlite(await createPGlite(path, options.pgliteBufferMb));
    return { ...database, close: () => database.close().finally(() => lock.release()) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

export async function openPGlite(client: PGlite): Promise<Database> {
  const db = new Kysely({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    async listen(channel, callback) {
      const unsubscribe = await client.listen(channel, callback);
      return async () => {
        if (!client.closed) await unsubscribe();
      };
    },
    close: () => db.destroy(),
  };
}

function openPostgres(connectionString: string, max: number): Database {
  const pool = new pg.Pool({ connectionString, max, types: pgTypes, connectionTimeoutMillis: 5000 });
  // A client losing its server emits 'error'; with no listener that event would crash the
  // process. The pool listens only while a client is idle, so every client gets a listener
  // of its own for its whole life: the query it was running (if any) rejects with the same
  // error, and the pool discards the client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<ChannelListener>();
  return {
    db,
    kind: 'postgres',
    async listen(channel, callback, feed = {}) {
      const listener = new ChannelListener(
        { connectionString, types: pgTypes, keepAlive: true },
        channel,
        callback,
        feed,
      );
      await listener.start();
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      await db.destroy();
    },
  };
}
