import type { AccessService } from './access/access-service.js';
import type { RefusalLog } from './audit/refusals.js';
import type { Catalog } from './catalog/catalog.js';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { SendMail } from './mail/outbox.js';
import type { MailWorker } from './mail/worker.js';
import type { Clock } from './shared/clock.js';

/** What the routes are built from; tests replace parts (a clock, a database). */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  /** Encrypts secrets at rest (TOTP seeds, queued mail bodies) and keys the CSRF tokens. */
  secretKey: Buffer;
  catalog: Catalog;
  /** Compiled memberships and cross-instance invalidation. */
  access: AccessService;
  /** Collapses refusals into security events (PRODUCT rule 10). */
  refusals: RefusalLog;
  /** Delivers the mail outbox (SMTP, or the dev mailbox without SMTP_URL). */
  mail: MailWorker;
  /** Queues an email inside the given transaction (see enqueueMail). */
  sendMail: SendMail;
}
