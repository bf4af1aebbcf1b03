import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throw-away PostgreSQL cluster of our own (initdb + pg_ctl) on a free port of 127.0.0.1,
 * for tests and scripts that stop, restart or cut the database under a running service. It
 * never touches the shared server on 5432. PostgreSQL refuses to run as root, so as root
 * (CI, this machine) the cluster runs as the `postgres` OS user, in a temporary directory that
 * user owns.
 *
 * @example
 * const cluster = await startPgCluster();
 * const url = await cluster.createDatabase('gatehouse');
 * await cluster.restart();
 * await cluster.drop();
 */
export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** Starts the stopped cluster again, on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `fast` (default): disconnects every client and shuts down cleanly; `immediate`: like a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Terminates client connections (all, or those `where` selects from pg_stat_activity); returns how many. */
  killConnections(where?: string): Promise<number>;
  /** Runs one statement as the superuser on `database` (default `postgres`). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, database?: string): Promise<T[]>;
  /** Stops the cluster (immediately) and deletes its files. */
  drop(): Promise<void>;
}

/** Where initdb and pg_ctl live: $PG_BIN, Debian's newest /usr/lib/postgresql/N/bin, /usr/local/bin. */
export function postgresBinDir(): string | undefined {
  const candidates = [process.env.PG_BIN ?? ''];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  candidates.push('/usr/local/bin', '/usr/bin');
  return candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

const asRoot = process.getuid?.() === 0;

/**
 * Runs a PostgreSQL program, as the `postgres` user when we are root. Asynchronously: while
 * the cluster stops and starts, the service under test (in this process or not) and its
 * clients must keep running.
 */
function run(bin: string, program: string, args: string[]): Promise<string> {
  const command = join(bin, program);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: 'utf8', timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || error.message}`));
      else resolve(stdout);
    });
  });
}

export async function startPgCluster(options: { maxConnections?: number } = {}): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('initdb/pg_ctl not found: install PostgreSQL (apt-get install postgresql) or set PG_BIN');
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-pgcluster-'));
  if (asRoot) execFileSync('chown', ['postgres:', root]);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  await run(bin, 'initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  // Durability is not the point of a throw-away cluster; speed on a busy machine is.
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${root}`,
    `-c max_connections=${options.maxConnections ?? 100}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c shared_buffers=32MB',
  ].join(' ');
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;

  const query = async <T extends pg.QueryResultRow>(text: string, database = 'postgres') => {
    const client = new pg.Client({ connectionString: url(database) });
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };

  let running = false;
  const cluster: PgCluster = {
    port,
    url,
    async createDatabase(name) {
      await query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      return url(name);
    },
    async start() {
      // -w waits until the server accepts connections.
      await run(bin, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await run(bin, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async restart(mode = 'fast') {
      await cluster.stop(mode);
      await cluster.start();
    },
    async killConnections(where = 'true') {
      const rows = await query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid() and (${where})`,
      );
      return rows[0]?.n ?? 0;
    },
    query,
    async drop() {
      if (running) {
        try {
          await cluster.stop('immediate');
        } catch {
          // Already gone; the files go anyway.
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    rmSync(root, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return cluster;
}
