import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, decodeSecretKey } from './config.js';

/**
 * The key that encrypts secrets at rest (TOTP seeds, queued mail bodies) and keys the CSRF
 * tokens. Production must supply SECRET_KEY; elsewhere one is generated on first start and
 * kept, readable by the owner only, in the data directory so that restarts can still decrypt
 * what was stored.
 */
export function resolveSecretKey(config: Config): Buffer {
  if (config.secretKey !== undefined) return decodeSecretKey(config.secretKey);
  const path = join(config.dataDir, 'secret.key');
  try {
    return decodeSecretKey(readFileSync(path, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created it meanwhile; then theirs wins.
  try {
    writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return decodeSecretKey(readFileSync(path, 'utf8').trim());
  }
}
