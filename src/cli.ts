#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from './config/config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { startServer } from './server.js';
import { createAccountFromCli } from './accounts/cli.js';
import { applyRetention, verifyChains } from './audit/verify.js';
import { resolveSecretKey } from './config/secret-key.js';
import { readMailbox } from './mail/mailbox.js';

const program = new Command()
  .name('gatehouse')
  .description('Team and access management for merchant dashboards.\nConfiguration comes from environment variables (see README).')
  .showHelpAfterError();

program
  .command('serve')
  .description('apply pending migrations and serve the API and dashboard on HOST:PORT')
  .action(async () => {
    await startServer(loadConfig());
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
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
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrateToLatest(database.db);
      const created = await createAccountFromCli(config, database, options);
      console.log(`Account ${created.accountId} "${options.name}" created.`);
      console.log(`Owner invitation for ${created.email} (expires ${created.expiresAt.toISOString()}):`);
      console.log(created.url);
    } finally {
      await database.close();
    }
  });

program
  .command('mail')
  .description('read the local dev mailbox (mail queued while SMTP_URL is not set)')
  .option('--to <email>', 'only mail to this address')
  .option('--limit <n>', 'how many to list', '20')
  .option('--show <id>', 'print one message with its text body')
  .action(async (options: { to?: string; limit: string; show?: string }) => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const entries = await readMailbox(database.db, resolveSecretKey(config), { to: options.to, id: options.show, limit: Number(options.limit) || 20 });
      if (options.show) {
        const entry = entries[0];
        if (!entry) throw new Error(`No mail ${options.show}`);
        console.log(`To: ${entry.to}\nSubject: ${entry.subject}\nDate: ${entry.createdAt.toISOString()}\n\n${entry.text ?? '(body erased after SMTP delivery)'}`);
        return;
      }
      if (entries.length === 0) console.log('The mailbox is empty');
      for (const entry of entries) console.log(`${entry.id}  ${entry.createdAt.toISOString()}  ${entry.status.padEnd(9)}  ${entry.to}  ${entry.subject}`);
    } finally {
      await database.close();
    }
  });

const audit = program.command('audit').description('the security log');
audit
  .command('verify')
  .description('recompute the hash chains and name the first broken link; exits 1 if any chain is broken')
  .option('--account <id>', 'verify only this account')
  .action(async (options: { account?: string }) => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const reports = await verifyChains(database.db, options.account);
      let broken = 0;
      for (const report of reports) {
        const name = report.chain;
        if (report.ok) console.log(`ok      ${name}: ${report.events} events`);
        else {
          broken++;
          console.log(`BROKEN  ${name}: at event ${report.broken!.seq}${report.broken!.id ? ` (${report.broken!.id})` : ''}: ${report.broken!.reason}`);
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
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const removed = await applyRetention(database.db, options.account, new Date(Date.now() - days * 86_400_000));
      console.log(`Removed ${removed} events of ${options.account}; the rest verifies from the checkpoint`);
    } finally {
      await database.close();
    }
  });

export { program };

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
