import { AccessService } from '../access/access-service.js';
import { assertServicePermissions } from '../access/permissions.js';
import { loadCatalog } from '../catalog/catalog.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { enqueueMail, type SendMail } from '../mail/outbox.js';
import { mailLinks } from '../mail/templates.js';
import { systemClock } from '../shared/clock.js';
import { systemContext } from '../shared/context.js';
import { createAccount } from './service.js';

/** `gatehouse create-account`: the same service as the platform API, acting as the platform. */
export async function createAccountFromCli(
  config: Config,
  database: Database,
  input: { name: string; ownerEmail: string; ownerName?: string },
): Promise<{ accountId: string; email: string; url: string; expiresAt: Date }> {
  const catalog = loadCatalog(config.catalogPath);
  assertServicePermissions(catalog);
  const access = new AccessService(database, catalog);
  const secretKey = resolveSecretKey(config);
  const sendMail: SendMail = async (trx, message) =>
    void (await enqueueMail(trx, message, { config, secretKey, clock: systemClock }));
  const created = await createAccount({ access, catalog, clock: systemClock, sendMail }, input, systemContext);
  return {
    accountId: created.account.id,
    email: created.invitation.email,
    url: mailLinks.invitation(config.publicUrl, created.invitation.token),
    expiresAt: created.invitation.expiresAt,
  };
}
