import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { TestClock } from '../../support/clock.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createUser, sessionTokenFrom, totpCode } from '../../support/users.js';
import { tokenFromMail } from '../../support/mailbox.js';

const logLines: string[] = [];
let app: App;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(testConfig({ LOG_LEVEL: 'trace' }), {
    database,
    clock: new TestClock(),
    logStream: { write: (chunk: string) => void logLines.push(chunk) },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

/** Every response of the flow, in order, as the client saw it (headers and body). */
const responses: string[] = [];
async function call(options: InjectOptions) {
  const res = await app.inject(options);
  responses.push(JSON.stringify(res.headers) + '\n' + res.body);
  return res;
}

describe('secrets', () => {
  it('never reach the logs, and no response repeats one after the response that showed it', async () => {
    const user = await createUser(app, { totp: false, password: 'my very secret passphrase' });
    const secrets: Record<string, string> = { password: user.password };

    // Sign in (pending), enrol TOTP, which completes the sign-in.
    const first = await call({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: user.password },
    });
    secrets.pendingToken = sessionTokenFrom(app, first)!;
    let headers = {
      cookie: `gatehouse_session=${secrets.pendingToken}`,
      'x-csrf-token': first.json().csrfToken as string,
    };
    const started = await call({ method: 'POST', url: '/v1/me/totp', headers });
    user.totpSecret = new URL(started.json().otpauthUri).searchParams.get('secret');
    secrets.seed = user.totpSecret!;
    secrets.enrolCode = await totpCode(app, user);
    const confirmed = await call({
      method: 'POST',
      url: '/v1/me/totp/confirm',
      headers,
      payload: { code: secrets.enrolCode },
    });
    const recoveryCodes = confirmed.json().recoveryCodes as string[];
    recoveryCodes.forEach((code, i) => (secrets[`recovery${i}`] = code));
    secrets.sessionToken = sessionTokenFrom(app, confirmed)!;
    headers = { cookie: `gatehouse_session=${secrets.sessionToken}`, 'x-csrf-token': confirmed.json().csrfToken };

    // Step up with a recovery code, then with a TOTP code; regenerate recovery codes.
    const stepped = await call({
      method: 'POST',
      url: '/v1/me/step-up',
      headers,
      payload: { recoveryCode: recoveryCodes[0] },
    });
    secrets.steppedToken = sessionTokenFrom(app, stepped)!;
    headers = { cookie: `gatehouse_session=${secrets.steppedToken}`, 'x-csrf-token': stepped.json().csrfToken };
    secrets.stepUpCode = await totpCode(app, user);
    const stepped2 = await call({
      method: 'POST',
      url: '/v1/me/step-up',
      headers,
      payload: { code: secrets.stepUpCode },
    });
    headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(app, stepped2)}`,
      'x-csrf-token': stepped2.json().csrfToken,
    };
    const regenerated = await call({
      method: 'POST',
      url: '/v1/me/recovery-codes',
      headers,
      payload: { confirm: true },
    });
    (regenerated.json().recoveryCodes as string[]).forEach((code, i) => (secrets[`newRecovery${i}`] = code));

    // Change the password, fail a few things, read everything there is to read.
    secrets.newPassword = 'another secret passphrase';
    await call({
      method: 'PUT',
      url: '/v1/me/password',
      headers,
      payload: { currentPassword: user.password, newPassword: secrets.newPassword },
    });
    await call({
      method: 'PUT',
      url: '/v1/me/password',
      headers,
      payload: { currentPassword: 'a wrong guess at it', newPassword: 'yet another passphrase' },
    });
    secrets.wrongGuess = 'a wrong guess at it';
    await call({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: 'my very secret passphrase' },
    });
    await call({ method: 'GET', url: '/v1/me', headers });
    await call({ method: 'GET', url: '/v1/me/sessions', headers });

    // Reset the password by mail.
    await call({ method: 'POST', url: '/v1/password-reset', payload: { email: user.email } });
    secrets.resetToken = await tokenFromMail(app, user.email, 'password_reset');
    secrets.resetPassword = 'a reset secret passphrase';
    await call({
      method: 'POST',
      url: '/v1/password-reset/confirm',
      payload: { token: secrets.resetToken, newPassword: secrets.resetPassword },
    });
    await call({ method: 'GET', url: '/v1/me', headers });

    const logs = logLines.join('');
    expect(logs).toContain('request completed'); // the capture works
    const { rows } = await sql<{ row: string }>`select row_to_json(e)::text as row from security_events e`.execute(
      app.deps.database.db,
    );
    const events = rows.map((r) => r.row).join('\n');
    expect(events).toContain('session.signed_in');
    for (const [name, secret] of Object.entries(secrets)) {
      // A six-digit code counts only standing alone, not inside a timestamp or a duration.
      const has = (text: string) =>
        /^\d+$/.test(secret) ? new RegExp(`(?<!\\d)${secret}(?!\\d)`).test(text) : text.includes(secret);
      expect(has(logs), `${name} in the logs`).toBe(false);
      expect(has(events), `${name} in the security log`).toBe(false);
      const shownAt = responses.findIndex(has);
      const repeated = responses.slice(shownAt + 1).filter(has);
      if (shownAt >= 0) expect(repeated, `${name} repeated after response ${shownAt}`).toEqual([]);
      if (/password|Password|Guess|Code|resetToken/.test(name))
        expect(shownAt, `${name} was never to be shown`).toBe(-1);
    }
  });
});
