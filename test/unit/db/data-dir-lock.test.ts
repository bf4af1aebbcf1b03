import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, lockFileName, readDataDirOwner } from '../../../src/db/data-dir-lock.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe.each(['flock', 'pid-file'] as const)('the data directory lock (%s)', (mechanism) => {
  it('lets one holder in, refuses the next with the owner named, and is free again after release', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir, { mechanism });
    expect(first.mechanism).toBe(mechanism);
    const refused = await lockDataDir(dir, { mechanism }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as DataDirInUseError).owner?.pid).toBe(process.pid);
    expect((refused as DataDirInUseError).message).toContain(`(pid ${process.pid})`);
    first.release();
    const again = await lockDataDir(dir, { mechanism });
    again.release();
  });

  it('waits for a holder that lets go within waitMs', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir, { mechanism });
    setTimeout(() => first.release(), 300);
    const second = await lockDataDir(dir, { mechanism, waitMs: 20_000 });
    second.release();
  });
});

describe('the pid-file fallback', () => {
  it('takes over a lock file left by a process that died', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir, { mechanism: 'pid-file' });
    first.release();
    writeFileSync(
      join(dir, lockFileName),
      JSON.stringify({ pid: deadPid(), command: 'serve', since: new Date(0).toISOString(), nonce: 'dead' }),
    );
    const lock = await lockDataDir(dir, { mechanism: 'pid-file' });
    expect(readDataDirOwner(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('refuses while the recorded owner is alive', async () => {
    const dir = freshDir();
    (await lockDataDir(dir, { mechanism: 'pid-file' })).release();
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(
        join(dir, lockFileName),
        JSON.stringify({ pid: alive.pid, command: 'serve', since: new Date().toISOString(), nonce: 'alive' }),
      );
      await expect(lockDataDir(dir, { mechanism: 'pid-file' })).rejects.toThrow(`gatehouse serve (pid ${alive.pid})`);
      expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).nonce).toBe('alive');
    } finally {
      alive.kill('SIGKILL');
    }
  });
});

describe('flock', () => {
  it('is released by the kernel when its holder is killed', async () => {
    const dir = freshDir();
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { lockDataDir } from './src/db/data-dir-lock.ts'; await lockDataDir(${JSON.stringify(dir)}); console.log('HELD'); setTimeout(() => {}, 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('HELD') && resolve()),
    );
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirInUseError);
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    (await lockDataDir(dir)).release();
  });
});
