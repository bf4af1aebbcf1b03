import type { AccessService } from '../access/access-service.js';
import type { RefusalLog } from '../audit/refusals.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';

/** What the identity services use; `AppDeps` satisfies it. */
export interface IdentityDeps {
  config: Config;
  database: Database;
  clock: Clock;
  /** Seals TOTP seeds and keys the CSRF tokens. */
  secretKey: Buffer;
  /** Two-factor changes alter authorization snapshots: they are committed through it. */
  access: AccessService;
  /** Collapses refused sign-in attempts in the security log, like every refusal. */
  refusals: RefusalLog;
}
