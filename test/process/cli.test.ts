import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, run, withInitialisedDatabase } from '../support/process.js';

const dataDir = withInitialisedDatabase(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = {
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  PUBLIC_URL: 'https://iam.example.com',
};
const gatehouse = (...args: string[]) => run([...cli, ...args], env);

describe('the gatehouse CLI', () => {
  it('creates an account and prints the owner’s invitation link; the mail is in the dev mailbox; the log verifies; tampering is named', async () => {
    const created = await gatehouse('create-account', '--name', 'Acme Payments', '--owner-email', 'Owner@Acme.example');
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Account acc_\w+ "Acme Payments" created/);
    const link = /https:\/\/iam\.example\.com\/invitations\/accept#token=[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    expect(link).toBeDefined();

    const mail = await gatehouse('mail', '--to', 'owner@acme.example');
    expect(mail.status, mail.stderr).toBe(0);
    expect(mail.stdout).toContain('invited to join Acme Payments');

    const verified = await gatehouse('audit', 'verify');
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^ok\s+acc_\w+: 1 events/m);

    const db = await PGlite.create(join(dataDir, 'pgdata'));
    await db.exec(`alter table security_events disable trigger security_events_no_update;
                   update security_events set after = '{"ownerEmail":"mallory@evil.example"}'::jsonb;
                   alter table security_events enable trigger security_events_no_update;`);
    await db.close();
    const broken = await gatehouse('audit', 'verify');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN\s+acc_\w+: at event 1 \(evt_\w+\): content does not match its hash/);

    // Retention removes the (tampered) old part; what remains verifies from the checkpoint.
    const accountId = /Account (acc_\w+)/.exec(created.stdout)![1];
    const retained = await gatehouse('audit', 'retain', '--account', accountId, '--older-than-days', '0');
    expect(retained.status, retained.stderr).toBe(0);
    expect(retained.stdout).toContain('Removed 1 events');
    expect((await gatehouse('audit', 'verify', '--account', accountId)).status).toBe(0);
  });

  it('lists the mail SMTP delivery gave up on, with the last error (gatehouse mail --failed)', async () => {
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    await db.exec(
      `update mail_outbox set status = 'failed', attempts = 81, last_error = '421 relay unavailable' where to_address = 'owner@acme.example'`,
    );
    await db.close();
    const failed = await gatehouse('mail', '--failed');
    expect(failed.status, failed.stderr).toBe(0);
    expect(failed.stdout).toMatch(/mail_\w+ .* failed +owner@acme\.example/);
    expect(failed.stdout).toContain('given up after 81 attempts: 421 relay unavailable');
  });
});
