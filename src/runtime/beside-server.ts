import type { Config } from '../config/config.js';
import { knownPlatformToken } from '../config/platform-token.js';
import { type Database, openDatabase } from '../db/database.js';
import { DataDirInUseError, type DataDirOwner } from '../db/data-dir-lock.js';
import { readServerRecord, type ServerRecord } from './server-record.js';

/** A refusal the CLI prints as it is and exits with `exitCode`. */
export class CliRefusal extends Error {
  override name = 'CliRefusal';
  constructor(
    message: string,
    readonly exitCode = 75, // EX_TEMPFAIL: try again once the other process is gone
  ) {
    super(message);
  }
}

/** The server that owns the data directory, when the lock's owner is one that is listening. */
export function owningServer(dataDir: string, owner: DataDirOwner | null): ServerRecord | null {
  const record = readServerRecord(dataDir);
  return record !== null && owner !== null && record.pid === owner.pid ? record : null;
}

/** How long a CLI command waits for another short command, or a starting server, to let go. */
const cliLockWaitMs = 60_000;

/**
 * Opens the database for a CLI command, or finds the running server that owns the embedded
 * one: then the command must go through that server (or refuse), never open a second copy.
 */
export async function openOrFindServer(
  config: Config,
): Promise<
  | { database: Database; server?: undefined }
  | { server: ServerRecord; owner: DataDirOwner | null; database?: undefined }
> {
  try {
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      pgliteBufferMb: config.pgliteBufferMb,
      lock: { waitMs: cliLockWaitMs, stopWaiting: (owner) => owningServer(config.dataDir, owner) !== null },
    });
    return { database };
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    const server = owningServer(config.dataDir, error.owner);
    if (!server) {
      const starting = error.owner?.command === 'serve';
      throw new CliRefusal(
        `${error.message} ${starting ? 'The server is still starting: try again in a moment, and this command will go through it.' : 'Try again when it has finished.'}`,
      );
    }
    return { server, owner: error.owner };
  }
}

/** The refusal for commands that cannot go through the server. */
export function refuseBesideServer(config: Config, server: ServerRecord, command: string, why = ''): CliRefusal {
  return new CliRefusal(
    `The data directory ${config.dataDir} is in use by the Gatehouse server (pid ${server.pid}, ${server.url}), ` +
      `and \`gatehouse ${command}\` cannot go through it${why}. Stop the server (kill -TERM ${server.pid}), run the command, then start it again.`,
  );
}

/**
 * Calls the running server with the platform token (the configured one, or the one generated
 * in DATA_DIR).
 */
export async function callServer(
  config: Config,
  server: ServerRecord,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const token = knownPlatformToken(config);
  if (token === undefined) {
    throw new CliRefusal(
      `The Gatehouse server (pid ${server.pid}, ${server.url}) owns ${config.dataDir}; this command goes through it with the platform token. Set PLATFORM_TOKEN to the server's token, or stop the server.`,
    );
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, server.url), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw new CliRefusal(
      `The Gatehouse server (pid ${server.pid}) owns ${config.dataDir} but does not answer at ${server.url} (${(error as Error).message}). Try again, or stop it.`,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the message
  }
  if (response.status === 401) {
    throw new CliRefusal(
      `The Gatehouse server (pid ${server.pid}, ${server.url}) did not accept this platform token. Set PLATFORM_TOKEN to the server's token, or stop the server.`,
      1,
    );
  }
  return { status: response.status, body: parsed };
}

/** A problem+json answer as one line. */
export function problemText(body: unknown): string {
  const problem = body as
    { code?: string; detail?: string; title?: string; errors?: { field?: string; message?: string }[] } | string;
  if (typeof problem === 'string') return problem;
  const fields = problem.errors?.map((error) => `${error.field ?? ''}: ${error.message ?? ''}`).join('; ');
  return `${problem.detail ?? problem.title ?? 'error'}${problem.code ? ` (${problem.code})` : ''}${fields ? ` — ${fields}` : ''}`;
}
