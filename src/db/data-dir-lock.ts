import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';

/**
 * One process owns an embedded (PGlite) data directory. PGlite has no lock of its own: two
 * processes on one directory each keep their own copy of the pages in memory and write them
 * back, so acknowledged rows vanish or an index stops finding them.
 *
 * The lock is a kernel `flock` on `DATA_DIR/gatehouse.lock`, held for the life of the
 * process. Node has no flock call, so `flock(1)` (util-linux; busybox on Alpine) takes it on
 * a descriptor this process opened and passes down: the lock belongs to that open file
 * description, which stays open here after the helper exits. The kernel drops it when the
 * process ends however it ends (SIGKILL, OOM), so a crash leaves nothing stale, and two
 * starters racing are arbitrated by the kernel. The file is never deleted: unlinking a
 * locked file would let the next process lock a new inode beside the old owner.
 *
 * Where `flock(1)` is missing (macOS), a pid file created with O_EXCL stands in; its owner
 * is checked for liveness, and a dead owner's file is moved aside and checked before it is
 * removed, so two starters cannot both take it over.
 */

export interface DataDirOwner {
  pid: number;
  /** The CLI command that holds it (`serve`, `migrate`, ...). */
  command: string;
  since: string;
  /** Distinguishes two owners that had the same pid (pid-file mechanism). */
  nonce: string;
}

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner | null,
  ) {
    super(
      `The data directory ${dataDir} is in use by ${owner ? `gatehouse ${owner.command} (pid ${owner.pid})` : 'another process'}. ` +
        'One process owns an embedded database at a time.',
    );
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly mechanism: 'flock' | 'pid-file';
  release(): void;
}

export interface LockOptions {
  /** While the owner is not a server (a short CLI command), wait this long for it to finish. */
  waitMs?: number;
  /** Stop waiting early when this says so (e.g. the owner turned out to be a server). */
  stopWaiting?: (owner: DataDirOwner | null) => boolean;
  /** Tests force the fallback; normally chosen by whether flock(1) exists. */
  mechanism?: 'flock' | 'pid-file';
}

export const lockFileName = 'gatehouse.lock';

function commandName(): string {
  return process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? basename(process.argv[1] ?? 'node');
}

function ownerRecord(): DataDirOwner {
  return {
    pid: process.pid,
    command: commandName(),
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
}

function parseOwner(text: string): DataDirOwner | null {
  try {
    const value = JSON.parse(text) as Partial<DataDirOwner>;
    return typeof value.pid === 'number' && typeof value.command === 'string' ? (value as DataDirOwner) : null;
  } catch {
    return null; // empty or half-written: the owner is writing it right now
  }
}

/** Who holds (or last held) the directory, as its lock file says; null if unreadable. */
export function readDataDirOwner(dataDir: string): DataDirOwner | null {
  try {
    return parseOwner(readFileSync(join(dataDir, lockFileName), 'utf8'));
  } catch {
    return null;
  }
}

let flockAvailable: boolean | undefined;

/** Tries once. Returns the lock, or null when another process holds it. */
function tryFlock(dataDir: string, path: string): DataDirLock | null {
  const fd = openSync(path, 'a+', 0o600);
  const locked = spawnSync('flock', ['--exclusive', '--nonblock', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
  if (locked.error || (locked.status !== 0 && locked.status !== 1)) {
    closeSync(fd);
    if (locked.error && 'code' in locked.error && locked.error.code === 'ENOENT') {
      flockAvailable = false;
      return tryPidFile(dataDir, path);
    }
    throw new Error(`Could not lock ${path}: ${locked.error?.message ?? locked.stderr.toString().trim()}`);
  }
  if (locked.status === 1) {
    closeSync(fd);
    return null;
  }
  // Written in place: replacing the file would replace the locked inode.
  const record = Buffer.from(JSON.stringify(ownerRecord()) + '\n');
  ftruncateSync(fd, 0);
  writeSync(fd, record, 0, record.length, 0);
  let open = true;
  return {
    dataDir,
    mechanism: 'flock',
    release() {
      if (!open) return;
      open = false;
      closeSync(fd); // the last descriptor of the open file description: the kernel unlocks
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryPidFile(dataDir: string, path: string): DataDirLock | null {
  const mine = ownerRecord();
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine) + '\n', { flag: 'wx', mode: 0o600 });
      return {
        dataDir,
        mechanism: 'pid-file',
        release() {
          const current = readDataDirOwner(dataDir);
          if (current?.nonce === mine.nonce) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // removed meanwhile: race for it again
    }
    const owner = parseOwner(text);
    if (owner === null) {
      // Half-written by a live starter, or left empty by a crash long ago.
      if (Date.now() - statSync(path, { throwIfNoEntry: false })!.mtimeMs < 5_000) return null;
    } else if (isAlive(owner.pid)) {
      return null;
    }
    // Stale. Move it aside, then check that what moved is what was judged stale: another
    // starter may have replaced it in between, and then its lock is put back untouched.
    const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readFileSync(aside, 'utf8');
    if (moved !== text) {
      try {
        linkSync(aside, path);
      } catch {
        // Someone created a new one meanwhile; theirs stands.
      }
    }
    unlinkSync(aside);
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the data directory for this process, waiting up to `waitMs` while another process
 * holds it; throws {@link DataDirInUseError} naming the owner when it stays held.
 */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, lockFileName);
  const mechanism = options.mechanism ?? (flockAvailable === false ? 'pid-file' : 'flock');
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const lock = mechanism === 'flock' ? tryFlock(dir, path) : tryPidFile(dir, path);
    if (lock) return lock;
    const owner = readDataDirOwner(dir);
    if (Date.now() >= deadline || options.stopWaiting?.(owner)) throw new DataDirInUseError(dir, owner);
    await sleep(200);
  }
}
