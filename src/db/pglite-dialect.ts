import type { PGlite } from '@electric-sql/pglite';
import type { CompiledQuery } from 'kysely';
import {
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';

/**
 * Kysely's Postgres dialect over an embedded PGlite instance. PGlite is a single
 * connection, so the driver hands it out to one holder at a time: a transaction
 * owns it from BEGIN to COMMIT and unrelated queries wait, exactly like a pool of one.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly client: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.client);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

const acquireTimeoutMs = 30_000;

class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;

  constructor(private readonly client: PGlite) {
    this.connection = new PGliteConnection(client);
  }

  async init(): Promise<void> {
    await this.client.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    // A query on the pool from inside a transaction waits for that very transaction: on a
    // single connection that is a deadlock. Fail loudly instead of hanging forever.
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `waited ${acquireTimeoutMs / 1000} s for the PGlite connection: is the pool used inside a transaction?`,
            ),
          ),
        acquireTimeoutMs,
      );
    });
    try {
      await Promise.race([previous, stuck]);
    } catch (error) {
      release();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // The next holder starts on a later turn of the event loop, not in the same chain of
    // microtasks: PGlite runs queries on the main thread, so under load the chain need never
    // end, and /healthz and every other request would wait for all of it (bench/README.md,
    // sign-in).
    this.connection.release = () => void setImmediate(release);
    return this.connection;
  }

  // Transaction control goes over the simple protocol: one message instead of the extended
  // protocol's parse, bind, describe and execute. A begin and a commit then take about half
  // the CPU (0.09-0.24 ms against 0.21-0.39 ms), paid by every write transaction on the
  // server's only thread (bench/README.md, sign-in).
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).control('begin');
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).control('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).control('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).release();
  }

  async destroy(): Promise<void> {
    await this.queue;
    if (!this.client.closed) await this.client.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  release: () => void = () => {};
  constructor(private readonly client: PGlite) {}

  async control(statement: 'begin' | 'commit' | 'rollback'): Promise<void> {
    await this.client.exec(statement);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.parameters.length === 0 && compiled.sql.includes(';')) {
      // Migrations are multi-statement scripts: only the simple protocol (exec) runs those.
      const results = await this.client.exec(compiled.sql);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []) as R[] };
    }
    const result = await this.client.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported on PGlite; page with keyset queries instead');
  }
}
