import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecretToken } from '../../../src/shared/tokens.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createAccount } from '../../support/fixtures.js';
import { tokenFromMail } from '../../support/mailbox.js';
import { createUser } from '../../support/users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let ipCounter = 0;
const freshIp = () => `10.4.0.${++ipCounter}`;

/** The four routes that take a mailed link's token, each with a body it would accept. */
const linkRoutes = [
  (token: string) => ({ url: '/v1/invitations/lookup', payload: { token } }),
  (token: string) => ({
    url: '/v1/invitations/accept',
    payload: { token, name: 'Sprayer', password: 'a long enough passphrase' },
  }),
  (token: string) => ({
    url: '/v1/password-reset/confirm',
    payload: { token, newPassword: 'a long enough passphrase' },
  }),
  (token: string) => ({ url: '/v1/email-change/confirm', payload: { token } }),
];

const tryLink = (route: number, token: string, remoteAddress: string) =>
  t.app.inject({ method: 'POST', ...linkRoutes[route](token), remoteAddress });

/** A real invitation token: a new account's owner invitation, from its mail. */
async function realInvitation() {
  const account = await createAccount(t.app, 'Spray Test');
  return tokenFromMail(t.app, account.ownerEmail, 'invitation');
}

describe('failed link tokens per client address', () => {
  it('answers 429 with Retry-After after 10 failed tokens in 15 minutes, on all four link routes; a real link elsewhere still works, and here after the window', async () => {
    const ip = freshIp();
    const answers = [];
    for (let i = 0; i < 60; i++) answers.push(await tryLink(i % 4, newSecretToken(), ip));
    expect(answers.slice(0, 10).map((res) => res.statusCode)).toEqual([
      404, 404, 400, 400, 404, 404, 400, 400, 404, 404,
    ]);
    for (const res of answers.slice(10)) {
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('request.rate_limited');
      expect(res.headers['retry-after']).toBe(String(15 * 60));
    }

    const invitation = await realInvitation();
    const elsewhere = await tryLink(0, invitation, freshIp());
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);
    const blocked = await tryLink(0, invitation, ip); // a real link too: nothing is looked up while blocked
    expect(blocked.statusCode).toBe(429);

    t.clock.advance(10 * 60_000);
    expect(Number((await tryLink(0, invitation, ip)).headers['retry-after'])).toBe(5 * 60); // the window does not grow
    t.clock.advance(5 * 60_000);
    expect((await tryLink(0, invitation, ip)).statusCode).toBe(200);
    const accepted = await tryLink(1, invitation, ip);
    expect(accepted.statusCode, accepted.body).toBe(200);
  });

  it('lets a real reset link through from another address while one is blocked', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await tryLink(2, newSecretToken(), ip)).statusCode).toBe(400);
    expect((await tryLink(2, newSecretToken(), ip)).statusCode).toBe(429);
    const user = await createUser(t.app);
    await t.app.inject({ method: 'POST', url: '/v1/password-reset', payload: { email: user.email } });
    const token = await tokenFromMail(t.app, user.email, 'password_reset');
    expect((await tryLink(2, token, ip)).statusCode).toBe(429);
    expect((await tryLink(2, token, freshIp())).statusCode).toBe(204);
  });

  it('counts before looking up, so a parallel burst gets no more than 10 tries', async () => {
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => tryLink(i % 4, newSecretToken(), ip)));
    expect(answers.filter((res) => res.statusCode === 429)).toHaveLength(20);
  });

  it('is shared by every instance on the database', async () => {
    const other = await createTestApp({ database: t.database });
    other.clock.advance(t.clock.now().getTime() - other.clock.now().getTime());
    try {
      const ip = freshIp();
      for (const app of [t.app, other.app, t.app, other.app, t.app, other.app, t.app, other.app, t.app, other.app]) {
        expect(
          (
            await app.inject({
              method: 'POST',
              url: '/v1/invitations/lookup',
              payload: { token: newSecretToken() },
              remoteAddress: ip,
            })
          ).statusCode,
        ).toBe(404);
      }
      const refused = await other.app.inject({
        method: 'POST',
        url: '/v1/invitations/lookup',
        payload: { token: newSecretToken() },
        remoteAddress: ip,
      });
      expect(refused.statusCode).toBe(429);
    } finally {
      await other.app.close();
    }
  });

  it('does not count real links', async () => {
    const ip = freshIp();
    const invitation = await realInvitation();
    for (let i = 0; i < 12; i++) expect((await tryLink(0, invitation, ip)).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expect((await tryLink(0, newSecretToken(), ip)).statusCode).toBe(404);
    expect((await tryLink(0, newSecretToken(), ip)).statusCode).toBe(429);
  });
});
