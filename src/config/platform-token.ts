import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export interface PlatformToken {
  token: string;
  /** Where a generated token is kept; undefined when PLATFORM_TOKEN set it. */
  path: string | undefined;
  /** True on the start that generated it: the one time it is printed. */
  generated: boolean;
}

export const platformTokenFile = (config: Config) => join(config.dataDir, 'platform.token');

function readKept(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token.length >= 32 ? token : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The platform's bearer token. Production must set PLATFORM_TOKEN; elsewhere one is
 * generated on first start, like the secret key, and kept readable by the owner only in the
 * data directory, so that the platform API (and the CLI beside a running server) works right
 * after `npm start`.
 */
export function resolvePlatformToken(config: Config): PlatformToken {
  if (config.platformToken !== undefined) return { token: config.platformToken, path: undefined, generated: false };
  const path = platformTokenFile(config);
  const kept = readKept(path);
  if (kept !== undefined) return { token: kept, path, generated: false };
  if (config.env === 'production') throw new Error('PLATFORM_TOKEN is required in production'); // loadConfig refuses earlier
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const token = `gh_pt_${randomBytes(32).toString('base64url')}`;
  // 'wx' fails if another process created it meanwhile; then theirs wins.
  try {
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
    return { token, path, generated: true };
  } catch {
    return { token: readKept(path)!, path, generated: false };
  }
}

/**
 * The token a CLI command presents to the running server: configured, or the kept one. Never
 * generates one.
 */
export function knownPlatformToken(config: Config): string | undefined {
  return config.platformToken ?? readKept(platformTokenFile(config));
}
