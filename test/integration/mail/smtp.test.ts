import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../../src/mail/outbox.js';
import { MailWorker, smtpTransport } from '../../../src/mail/worker.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { TestClock } from '../../support/clock.js';
import { linkIn } from '../../support/mailbox.js';

/** A real SMTP server on a free loopback port, collecting what it receives. */
let received: ParsedMail[] = [];
let rejectNext = 0;
let server: SMTPServer;
let port: number;
let t: TestApp;
const logs: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      if (rejectNext > 0) {
        rejectNext--;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
  t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: 'info' } });
  // Deliveries happen when the tests drain, not behind their backs on NOTIFY or the poll.
  await t.app.deps.mail.stop();
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const deps = () => ({ config: t.app.deps.config, secretKey: t.app.deps.secretKey, clock: t.app.deps.clock });
const token = 'tok_' + 'A'.repeat(39);

function worker(clock = t.clock) {
  return new MailWorker({
    database: t.database,
    clock,
    secretKey: t.app.deps.secretKey,
    from: 'Gatehouse <no-reply@gatehouse.test>',
    logger: {
      info: (o: object) => void logs.push(JSON.stringify(o)),
      warn: (o: object) => void logs.push(JSON.stringify(o)),
      error: () => {},
    } as never,
    transport: smtpTransport(`smtp://127.0.0.1:${port}`),
    retryForMs: 2 * 3600_000,
  });
}

describe('mail over SMTP', () => {
  it('delivers an invitation with text and HTML, the link built from PUBLIC_URL with the token in the fragment, names escaped', async () => {
    received = [];
    await t.database.db.transaction().execute((trx) =>
      enqueueMail(
        trx,
        {
          to: 'ana@example.com',
          template: 'invitation',
          data: {
            accountName: '<script>alert(1)</script> Corp',
            inviterName: 'Olivia',
            roleName: 'Finance',
            token,
            expiresAt: new Date().toISOString(),
          },
        },
        deps(),
      ),
    );
    await t.app.deps.mail.drain();
    expect(received).toHaveLength(1);
    const mail = received[0];
    expect(mail.to).toMatchObject({ text: 'ana@example.com' });
    expect(mail.text).toContain(`http://gatehouse.test/invitations/accept#token=${token}`);
    expect(mail.html).toContain(`http://gatehouse.test/invitations/accept#token=${token}`);
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).not.toContain('<script>');
  });

  it('an invitation mailed over SMTP carries a link that works', async () => {
    received = [];
    const { signUpAndSignIn } = await import('../../support/users.js');
    const owner = await signUpAndSignIn(t.app, { account: { name: 'Mailing Co' } });
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${owner.accountId}/invitations`,
      headers: owner.headers,
      payload: { email: 'smtp-invitee@example.com', roleId: 'builtin:view_only' },
    });
    expect(invite.statusCode).toBe(201);
    await t.app.deps.mail.drain();
    const mail = received.find((m) => JSON.stringify(m.to).includes('smtp-invitee@example.com'))!;
    const link = linkIn(mail.text)!;
    expect(link.url).toMatch(/^http:\/\/gatehouse\.test\/invitations\/accept#token=/);
    const lookup = await t.app.inject({
      method: 'POST',
      url: '/v1/invitations/lookup',
      payload: { token: link.token },
    });
    expect(lookup.json()).toMatchObject({ accountName: 'Mailing Co', email: 'smtp-invitee@example.com' });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/v1/invitations/accept',
      payload: { token: link.token, name: 'Smtp Invitee', password: 'a long enough passphrase 7' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().next).toBe('enrol_totp');
  });

  it('never sends mail queued by a transaction that rolled back', async () => {
    received = [];
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await enqueueMail(
          trx,
          { to: 'rollback@example.com', template: 'security_password_changed', data: { at: new Date().toISOString() } },
          deps(),
        );
        throw new Error('the change failed');
      })
      .catch(() => {});
    await t.app.deps.mail.drain();
    expect(received.filter((mail) => mail.to && JSON.stringify(mail.to).includes('rollback@'))).toEqual([]);
  });

  it('keeps bodies encrypted in the table and erases them once delivered', async () => {
    const id = await t.database.db
      .transaction()
      .execute((trx) =>
        enqueueMail(
          trx,
          { to: 'enc@example.com', template: 'password_reset', data: { token, expiresAt: new Date().toISOString() } },
          deps(),
        ),
      );
    const before = await sql`select * from mail_outbox where id = ${id}`.execute(t.database.db);
    expect(JSON.stringify(before.rows[0])).not.toContain(token);
    await t.app.deps.mail.drain();
    const after = await sql<{
      status: string;
      text_body_encrypted: string | null;
      html_body_encrypted: string | null;
    }>`select status, text_body_encrypted, html_body_encrypted from mail_outbox where id = ${id}`.execute(
      t.database.db,
    );
    expect(after.rows[0]).toEqual({ status: 'delivered', text_body_encrypted: null, html_body_encrypted: null });
  });

  it('retries a transient failure after back-off and delivers once; gives up after the retry period', async () => {
    received = [];
    const clock = new TestClock(t.clock.now().getTime());
    const w = worker(clock);
    rejectNext = 1;
    const id = await t.database.db
      .transaction()
      .execute((trx) =>
        enqueueMail(
          trx,
          { to: 'retry@example.com', template: 'security_password_changed', data: { at: new Date().toISOString() } },
          { ...deps(), clock },
        ),
      );
    await w.drain();
    expect(received).toHaveLength(0);
    await w.drain();
    expect(received).toHaveLength(0); // not due yet: back-off
    clock.advance(60_000);
    await w.drain();
    expect(received).toHaveLength(1);
    expect(
      (
        await sql<{
          status: string;
          attempts: number;
        }>`select status, attempts from mail_outbox where id = ${id}`.execute(t.database.db)
      ).rows[0],
    ).toEqual({ status: 'delivered', attempts: 2 });

    rejectNext = 10;
    const doomed = await t.database.db
      .transaction()
      .execute((trx) =>
        enqueueMail(
          trx,
          { to: 'doomed@example.com', template: 'security_password_changed', data: { at: new Date().toISOString() } },
          { ...deps(), clock },
        ),
      );
    for (let i = 0; i < 5; i++) {
      await w.drain();
      clock.advance(3600_000);
    }
    const row = (
      await sql<{
        status: string;
        attempts: number;
        last_error: string;
      }>`select status, attempts, last_error from mail_outbox where id = ${doomed}`.execute(t.database.db)
    ).rows[0];
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.last_error).toContain('451');
    rejectNext = 0;
  });

  it('two workers draining at once deliver each mail exactly once', async () => {
    received = [];
    await t.database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 10; i++)
        await enqueueMail(
          trx,
          { to: `many${i}@example.com`, template: 'security_password_changed', data: { at: new Date().toISOString() } },
          deps(),
        );
    });
    await Promise.all([worker().drain(), worker().drain(), t.app.deps.mail.drain()]);
    const recipients = received.map((mail) => JSON.stringify(mail.to)).filter((to) => to.includes('many'));
    expect(recipients).toHaveLength(10);
    expect(new Set(recipients).size).toBe(10);
  });

  it('logs recipients and subjects only, never bodies or links', () => {
    expect(logs.join('\n')).not.toContain(token);
  });
});

describe('the dev mailbox', () => {
  it('is not served over HTTP outside development', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/dev/mailbox' })).statusCode).toBe(404);
  });
});
