import { type ChildProcess, spawn, type SpawnSyncReturns } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { builtFixtures } from './built-setup.js';

/**
 * Helpers for tests that run Gatehouse as real processes. Every wait is on a condition
 * (a line printed, an exit), bounded generously: a cold start of the CLI on a busy two-core
 * machine takes seconds.
 */

/** The CLI as `npm start` runs it: the build in dist/ (see built-setup.ts). */
export const cli = ['dist/cli.js'];

/** A fixture of test/fixtures/ as a process (built by built-setup.ts), e.g. `fixture('slow-server')`. */
export const fixture = (name: string) => [join(builtFixtures, `${name}.js`)];

/**
 * Gives `dataDir` an initialised, still unmigrated embedded database (a copy of one made
 * once per run), so a test starts past PGlite's initdb, which costs seconds of CPU per
 * directory; the process still migrates it. test/process/data-dir.test.ts starts from
 * nothing, as a first `npm start` does.
 */
export function withInitialisedDatabase(dataDir: string): string {
  cpSync(inject('processPgdataTemplate'), join(dataDir, 'pgdata'), { recursive: true });
  return dataDir;
}

export interface Started {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function start(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => buffer,
    exited,
    waitFor(pattern, ms = 150_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; got:\n${buffer}`)), ms);
        const check = () => {
          const match = buffer.match(pattern);
          if (match) finish(null, match);
        };
        const finish = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        waiters.add(check);
        void exited.then((code) =>
          setImmediate(
            () => waiters.has(check) && finish(new Error(`exited with ${code} before ${pattern}:\n${buffer}`)),
          ),
        );
        check();
      });
    },
  };
}

/** Like spawnSync, but without blocking the test process (whose servers must keep answering). */
export function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  ms = 150_000,
): Promise<Pick<SpawnSyncReturns<string>, 'status' | 'stdout' | 'stderr'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in ${ms} ms:\n${stdout}\n${stderr}`));
    }, ms);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Resolves with the exit code, or rejects when the process is still running after `ms`. */
export function exitWithin(started: Started, ms: number): Promise<number | null> {
  return Promise.race([
    started.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${started.output()}`)), ms),
    ),
  ]);
}
