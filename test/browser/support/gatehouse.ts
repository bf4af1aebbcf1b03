import { freePort } from '../../support/free-port.js';
import { type App, buildApp } from '../../../src/app.js';
import { dashboardDist } from '../../../src/http/dashboard.js';
import { existsSync } from 'node:fs';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { sql } from 'kysely';
import { createUser, type TestSession, type TestUser, type TestUserOptions, totpCode } from '../../support/users.js';
import { type SmtpInbox, startSmtpInbox } from './smtp.js';

/** A real Gatehouse listening on loopback, mailing through a real in-process SMTP server. */
export interface Gatehouse {
  app: App;
  /** http://127.0.0.1:PORT, also the PUBLIC_URL its mails link to. */
  url: string;
  smtp: SmtpInbox;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts Gatehouse on a fresh PGlite database with the built dashboard, in development mode
 * (so the dev mailbox exists) and with SMTP (so mails really travel). Real clock: the browser
 * and the TOTP codes live in real time.
 */
export async function startGatehouse(env: Record<string, string> = {}): Promise<Gatehouse> {
  if (!existsSync(dashboardDist)) throw new Error('the dashboard is not built: run `npm run build` first');
  const smtp = await startSmtpInbox();
  const database = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig({
    NODE_ENV: 'development',
    PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    SMTP_URL: smtp.url,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await buildApp(config, { database });
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    url,
    smtp,
    database,
    async close() {
      await app.close();
      await database.drop();
      await smtp.close();
    },
  };
}

/** A person with a password and (by default) TOTP, created straight in the database as the service would. */
export async function createPerson(g: Gatehouse, options: TestUserOptions & { name?: string }): Promise<TestUser> {
  return createUser(g.app, options);
}

/** A TOTP code the service accepts now (never one it has already seen). */
export async function codeFor(g: Gatehouse, user: Pick<TestUser, 'userId' | 'totpSecret'>): Promise<string> {
  return totpCode(g.app, user);
}

/** Invites `email` to the owner's account through the API, as the invite screen would. */
export async function invite(
  g: Gatehouse,
  owner: TestSession,
  email: string,
  roleId = 'builtin:view_only',
  extra: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const res = await g.app.inject({
    method: 'POST',
    url: `/v1/accounts/${owner.accountId}/invitations`,
    headers: owner.headers,
    payload: { email, roleId, ...extra },
  });
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`invite failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>();
}

/** Makes every session of the user older than the step-up window, so the next sensitive action asks again. */
export async function expireStepUp(g: Gatehouse, userId: string): Promise<void> {
  await sql`update sessions set second_factor_at = now() - interval '1 hour' where user_id = ${userId}`.execute(
    g.app.deps.database.db,
  );
}

/** The path and fragment of a mailed link (its host is PUBLIC_URL, which is this server). */
export function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search + url.hash;
}
