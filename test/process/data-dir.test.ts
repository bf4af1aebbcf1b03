import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, exitWithin, run, start, type Started } from '../support/process.js';

// One embedded data directory, one server on it, and the CLI run beside it as the README's
// first steps do. Development mode: no PLATFORM_TOKEN, no SMTP (the dev mailbox).
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-datadir-'));
const publicUrl = 'http://gatehouse.example:8080';
const common = {
  ...process.env,
  NODE_ENV: 'development',
  LOG_PRETTY: 'false',
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  PLATFORM_TOKEN: '',
  PUBLIC_URL: '',
  PORT: '',
};
const serverEnv = { ...common, LOG_LEVEL: 'info', PORT: '0', PUBLIC_URL: publicUrl };
// The CLI has none of the server's PORT or PUBLIC_URL: its links must still be the server's.
const cliEnv = { ...common, LOG_LEVEL: 'silent' };

let server: Started;
let serverUrl: string;

beforeAll(async () => {
  server = start([...cli, 'serve'], serverEnv);
  serverUrl = (await server.waitFor(/Gatehouse listening on (http:\/\/\S+?)"/))[1];
}, 180_000);
afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const invitationLink = new RegExp(
  `^${publicUrl.replace(/[.:/]/g, '\\$&')}/invitations/accept#token=([A-Za-z0-9_-]{43})$`,
  'm',
);

describe('the first ten minutes, on the embedded store', () => {
  it('generates a development platform token, prints it once with where it is kept, and the platform API takes it', async () => {
    const token = readFileSync(join(dataDir, 'platform.token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(server.output()).toContain(`Generated a platform token for development: ${token}`);
    expect(server.output()).toContain(join(dataDir, 'platform.token'));
    const res = await fetch(`${serverUrl}/v1/accounts`, {
      ...json({ name: 'Platform Co', ownerEmail: 'owner@platform.example' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(201);
  });

  it('create-account beside the running server goes through it; the link is the server’s; the README’s first steps work', async () => {
    const created = await run(
      [
        ...cli,
        'create-account',
        '--name',
        'Acme Payments',
        '--owner-email',
        'Owner@Acme.example',
        '--owner-name',
        'Olivia Owner',
      ],
      cliEnv,
    );
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Account acc_\w+ "Acme Payments" created/);
    const token = invitationLink.exec(created.stdout)?.[1];
    expect(token, created.stdout).toBeDefined();

    // The dev mailbox, read beside the server, through it.
    const mail = await run([...cli, 'mail', '--to', 'owner@acme.example'], cliEnv);
    expect(mail.status, mail.stderr).toBe(0);
    const mailId = /^(mail_\w+)\s.*invited to join Acme Payments/m.exec(mail.stdout)?.[1];
    expect(mailId, mail.stdout).toBeDefined();
    const shown = await run([...cli, 'mail', '--show', mailId!], cliEnv);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${publicUrl}/invitations/accept#token=${token}`);

    // Accept as a new user, enrol TOTP, then sign in with the password and a recovery code.
    const password = 'a long pass phrase for acme';
    const accept = await fetch(`${serverUrl}/v1/invitations/accept`, json({ token, name: 'Olivia Owner', password }));
    expect(accept.status).toBe(200);
    const accepted = (await accept.json()) as { next: string; csrfToken: string };
    expect(accepted.next).toBe('enrol_totp');
    const cookie = accept.headers.getSetCookie()[0].split(';')[0];
    const pending = { cookie, 'x-csrf-token': accepted.csrfToken };
    const enrol = await fetch(`${serverUrl}/v1/me/totp`, { method: 'POST', headers: pending });
    expect(enrol.status).toBe(200);
    const secret = new URL(((await enrol.json()) as { otpauthUri: string }).otpauthUri).searchParams.get('secret')!;
    const confirm = await fetch(`${serverUrl}/v1/me/totp/confirm`, {
      ...json({ code: await generate({ secret }) }),
      headers: { ...pending, 'content-type': 'application/json' },
    });
    expect(confirm.status).toBe(200);
    const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };

    const signIn = await fetch(`${serverUrl}/v1/session`, json({ email: 'owner@acme.example', password }));
    expect(signIn.status).toBe(200);
    const started = (await signIn.json()) as { next: string; csrfToken: string };
    expect(started.next).toBe('second_factor');
    const session = { cookie: signIn.headers.getSetCookie()[0].split(';')[0], 'x-csrf-token': started.csrfToken };
    const second = await fetch(`${serverUrl}/v1/session/second-factor`, {
      ...json({ recoveryCode: recoveryCodes[0] }),
      headers: { ...session, 'content-type': 'application/json' },
    });
    expect(second.status).toBe(200);
    const me = await fetch(`${serverUrl}/v1/me`, {
      headers: { cookie: second.headers.getSetCookie()[0].split(';')[0] },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { email: 'owner@acme.example', twoFactorEnabled: true },
      memberships: [{ accountName: 'Acme Payments', isOwner: true, status: 'active' }],
    });
  });
});

describe('one process owns an embedded data directory', () => {
  it('refuses a second server on the same directory, naming the owner and what to do', async () => {
    const second = await run([...cli, 'serve'], serverEnv);
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`in use by gatehouse serve (pid ${server.child.pid})`);
    expect(second.stderr).toContain('Stop that process first');
    // The first one is untouched.
    expect((await fetch(`${serverUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a command that cannot go through the server, saying how', async () => {
    const verify = await run([...cli, 'audit', 'verify'], cliEnv);
    expect(verify.status).toBe(75);
    expect(verify.stderr).toContain(`in use by the Gatehouse server (pid ${server.child.pid}`);
    expect(verify.stderr).toContain(`Stop the server (kill -TERM ${server.child.pid})`);
  });

  it('a killed server leaves no lock behind: the CLI then works on the data itself, nothing lost, links still the server’s', async () => {
    server.child.kill('SIGKILL');
    await exitWithin(server, 30_000);
    const created = await run(
      [...cli, 'create-account', '--name', 'Later Co', '--owner-email', 'owner@later.example'],
      cliEnv,
    );
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(invitationLink);
    // Three accounts, each with its log: one by the platform API, one by the CLI through the
    // server, one by the CLI alone after the crash.
    const verify = await run([...cli, 'audit', 'verify'], cliEnv);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout.match(/^ok\s+acc_\w+/gm)).toHaveLength(3);
  });
});
