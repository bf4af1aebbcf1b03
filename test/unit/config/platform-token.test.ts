import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { knownPlatformToken, resolvePlatformToken } from '../../../src/config/platform-token.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-token-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the platform token', () => {
  it('is generated once in development, kept readable by the owner only, and the same on every later start', () => {
    const config = loadConfig({ DATA_DIR: join(root, 'dev') });
    expect(knownPlatformToken(config)).toBeUndefined(); // the CLI never generates one
    const first = resolvePlatformToken(config);
    expect(first).toMatchObject({ generated: true, path: join(root, 'dev', 'platform.token') });
    expect(first.token).toMatch(/^gh_pt_[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(first.path!, 'utf8').trim()).toBe(first.token);
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(resolvePlatformToken(config)).toEqual({ token: first.token, path: first.path, generated: false });
    expect(knownPlatformToken(config)).toBe(first.token);
  });

  it('is PLATFORM_TOKEN when set, and then nothing is written', () => {
    const config = loadConfig({ DATA_DIR: join(root, 'set'), PLATFORM_TOKEN: 'x'.repeat(40) });
    expect(resolvePlatformToken(config)).toEqual({ token: 'x'.repeat(40), path: undefined, generated: false });
    expect(() => statSync(join(root, 'set', 'platform.token'))).toThrow();
  });
});
