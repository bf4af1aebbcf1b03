import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, withInitialisedDatabase } from '../support/process.js';

const dataDir = withInitialisedDatabase(mkdtempSync(join(tmpdir(), 'gatehouse-process-')));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const baseEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '' };

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got ${buffer}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${buffer}`)));
  });
}

describe('the server process', () => {
  it('finishes a request in flight when it receives SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, fixture('slow-server'), { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const [, url] = (await waitForLine(child, /LISTENING (http:\/\/\S+)/)) as unknown as [string, string];
    const inFlight = fetch(`${url}/test/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    expect(await exited).toBe(0);
    // Once stopped it accepts nothing new.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('stops at start with a message naming a bad variable', () => {
    const result = spawnSync(process.execPath, [...cli, 'serve'], {
      env: { ...baseEnv, PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT must be an integer');
  });

  it('prints help for every command', () => {
    for (const args of [['--help'], ['serve', '--help'], ['migrate', '--help']]) {
      const result = spawnSync(process.execPath, [...cli, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Usage: gatehouse/);
    }
  });
});
