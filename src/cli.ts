#!/usr/bin/env node
import { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import type { Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { startServer } from './server.js';
import { createAccountFromCli } from './accounts/cli.js';
import { applyRetention, verifyChains } from './audit/verify.js';
import { resolveSecretKey } from './config/secret-key.js';
import { type MailboxEntry, readMailbox } from './mail/mailbox.js';
import {
  callServer,
  CliRefusal,
  openOrFindServer,
  owningServer,
  problemText,
  refuseBesideServer,
} from './runtime/beside-server.js';
import { readServerRecord } from './runtime/server-record.js';

const program = new Command()
  .name('gatehouse')
  .description(
    'Team and access management for merchant dashboards.\nConfiguration comes from environment variables (see README).',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('apply pending migrations and serve the API and dashboard on HOST:PORT')
  .action(async () => {
    const config = loadConfig();
    try {
      // A CLI command holding the directory for a moment is waited for; another server is not.
      await startServer(config, {
        databaseLock: {
          waitMs: 30_000,
          stopWaiting: (owner) => owner?.command === 'serve' || owningServer(config.dataDir, owner) !== null,
        },
      });
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      const server = owningServer(config.dataDir, error.owner);
      throw new CliRefusal(
        `${error.message}${server ? ` It serves ${server.url}.` : ''} Stop that process first, or give this one another DATA_DIR; ` +
          'to run several instances on one database, use PostgreSQL (DATABASE_URL).',
      );
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await localDatabase(config, 'migrate', ' (it applied pending migrations when it started)');
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
    } finally {
      await database.close();
    }
  });

program
  .command('create-account')
  .description("create a merchant account and print its owner's invitation link")
  .requiredOption('--name <name>', 'the business name')
  .requiredOption('--owner-email <email>', 'who will own the account')
  .option('--owner-name <name>', "the owner's name, prefilled on the invitation")
  .action(async (options: { name: string; ownerEmail: string; ownerName?: string }) => {
    const config = loadConfig();
    const opened = await openOrFindServer(config);
    let created: { accountId: string; email: string; url: string; expiresAt: string };
    if (opened.server) {
      // The running server owns the data: it creates the account, and builds the link from its PUBLIC_URL.
      const answer = await callServer(config, opened.server, 'POST', '/v1/accounts', {
        name: options.name,
        ownerEmail: options.ownerEmail,
        ...(options.ownerName === undefined ? {} : { ownerName: options.ownerName }),
      });
      if (answer.status !== 201) throw new CliRefusal(`The server refused: ${problemText(answer.body)}`, 1);
      const body = answer.body as { account: { id: string }; invitation: { url: string; expiresAt: string } };
      created = {
        accountId: body.account.id,
        email: options.ownerEmail.trim().toLowerCase(),
        url: body.invitation.url,
        expiresAt: body.invitation.expiresAt,
      };
    } else {
      const { database } = opened;
      try {
        await migrateToLatest(database.db);
        const local = await createAccountFromCli(linkConfig(config), database, options);
        created = { ...local, expiresAt: local.expiresAt.toISOString() };
      } finally {
        await database.close();
      }
    }
    console.log(`Account ${created.accountId} "${options.name}" created.`);
    console.log(`Owner invitation for ${created.email} (expires ${created.expiresAt}):`);
    console.log(created.url);
  });

program
  .command('mail')
  .description(
    'read the local dev mailbox (mail queued while SMTP_URL is not set), or with --failed the mail SMTP delivery gave up on',
  )
  .option('--to <email>', 'only mail to this address')
  .option('--failed', 'only mail given up after retrying for 3 days, with the last error')
  .option('--limit <n>', 'how many to list', '20')
  .option('--show <id>', 'print one message with its text body')
  .action(async (options: { to?: string; limit: string; show?: string; failed?: boolean }) => {
    const config = loadConfig();
    const limit = Math.min(Number(options.limit) || 20, 100);
    const opened = await openOrFindServer(config);
    const status = options.failed ? ('failed' as const) : undefined;
    let entries: Pick<
      MailboxEntry,
      'id' | 'to' | 'subject' | 'status' | 'createdAt' | 'text' | 'attempts' | 'lastError'
    >[];
    if (opened.server) {
      const query = new URLSearchParams({
        limit: String(options.show ? 100 : limit),
        ...(options.to ? { to: options.to } : {}),
        ...(status ? { status } : {}),
      });
      const answer = await callServer(config, opened.server, 'GET', `/v1/dev/mailbox?${query.toString()}`);
      if (answer.status === 404)
        throw refuseBesideServer(
          config,
          opened.server,
          'mail',
          ' (it serves the dev mailbox only when NODE_ENV=development)',
        );
      if (answer.status !== 200) throw new CliRefusal(`The server refused: ${problemText(answer.body)}`, 1);
      const items = (answer.body as { items: (Omit<MailboxEntry, 'createdAt'> & { createdAt: string })[] }).items;
      entries = items
        .filter((item) => !options.show || item.id === options.show)
        .map((item) => ({ ...item, createdAt: new Date(item.createdAt) }));
    } else {
      const { database } = opened;
      try {
        entries = await readMailbox(database.db, resolveSecretKey(config), {
          to: options.to,
          id: options.show,
          status,
          limit,
        });
      } finally {
        await database.close();
      }
    }
    if (options.show) {
      const entry = entries[0];
      if (!entry) throw new Error(`No mail ${options.show}`);
      console.log(
        `To: ${entry.to}\nSubject: ${entry.subject}\nDate: ${entry.createdAt.toISOString()}\n\n${entry.text ?? '(body erased after SMTP delivery)'}`,
      );
      return;
    }
    if (entries.length === 0) console.log(status ? 'No mail was given up' : 'The mailbox is empty');
    for (const entry of entries) {
      console.log(
        `${entry.id}  ${entry.createdAt.toISOString()}  ${entry.status.padEnd(9)}  ${entry.to}  ${entry.subject}`,
      );
      if (entry.status === 'failed')
        console.log(`    given up after ${entry.attempts} attempts: ${entry.lastError ?? 'unknown error'}`);
    }
  });

const audit = program.command('audit').description('the security log');
audit
  .command('verify')
  .description('recompute the hash chains and name the first broken link; exits 1 if any chain is broken')
  .option('--account <id>', 'verify only this account')
  .action(async (options: { account?: string }) => {
    const config = loadConfig();
    const database = await localDatabase(config, 'audit verify');
    try {
      const reports = await verifyChains(database.db, options.account);
      let broken = 0;
      for (const report of reports) {
        const name = report.chain;
        if (report.ok) console.log(`ok      ${name}: ${report.events} events`);
        else {
          broken++;
          console.log(
            `BROKEN  ${name}: at event ${report.broken!.seq}${report.broken!.id ? ` (${report.broken!.id})` : ''}: ${report.broken!.reason}`,
          );
        }
      }
      if (reports.length === 0) console.log('No security events yet');
      process.exitCode = broken > 0 ? 1 : 0;
    } finally {
      await database.close();
    }
  });

audit
  .command('retain')
  .description("remove an account's events older than N days; the chain stays verifiable from a checkpoint")
  .requiredOption('--account <id>', 'the account whose log to trim')
  .requiredOption('--older-than-days <n>', 'keep this many days of events')
  .action(async (options: { account: string; olderThanDays: string }) => {
    const days = Number(options.olderThanDays);
    if (!Number.isInteger(days) || days < 0) throw new Error('--older-than-days must be a whole number of days');
    const config = loadConfig();
    const database = await localDatabase(config, 'audit retain');
    try {
      const removed = await applyRetention(database.db, options.account, new Date(Date.now() - days * 86_400_000));
      console.log(`Removed ${removed} events of ${options.account}; the rest verifies from the checkpoint`);
    } finally {
      await database.close();
    }
  });

/**
 * For commands that cannot go through the server: the database, or a refusal naming the
 * server.
 */
async function localDatabase(config: Config, command: string, why = ''): Promise<Database> {
  const opened = await openOrFindServer(config);
  if (opened.server) throw refuseBesideServer(config, opened.server, command, why);
  return opened.database;
}

/**
 * Links a command builds itself use the server's public URL: PUBLIC_URL when this command
 * has it, else (on the embedded store) the one the last server on this data directory
 * recorded, rather than the default guessed from this command's own PORT.
 */
function linkConfig(config: Config): Config {
  if (config.publicUrlConfigured || config.databaseUrl) return config;
  const recorded = readServerRecord(config.dataDir);
  return recorded ? { ...config, publicUrl: recorded.publicUrl } : config;
}

export { program };

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  if (error instanceof CliRefusal) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
