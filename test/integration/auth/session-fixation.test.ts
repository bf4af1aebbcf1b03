import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/shared/tokens.js';
import { createUser, sessionTokenFrom, signUpAndSignIn, totpCode } from '../../support/users.js';
import { postSessionFromFreshAddresses } from '../../support/sign-in-attempts.js';
import { useTestApp } from '../../support/use-test-app.js';

const t = useTestApp();
const postSession = postSessionFromFreshAddresses(t);

describe('session fixation', () => {
  it('never adopts a token the browser brought: a planted token is not valid after sign-in', async () => {
    const user = await createUser(t.app);
    const planted = 'A'.repeat(43);
    const first = await postSession(user.email, user.password, { cookie: `gatehouse_session=${planted}` });
    const pendingToken = sessionTokenFrom(t.app, first)!;
    expect(pendingToken).not.toBe(planted);
    const second = await t.app.inject({
      method: 'POST',
      url: '/v1/session/second-factor',
      headers: { cookie: `gatehouse_session=${pendingToken}`, 'x-csrf-token': first.json().csrfToken },
      payload: { code: await totpCode(t.app, user) },
    });
    expect(second.statusCode).toBe(200);
    const finalToken = sessionTokenFrom(t.app, second)!;
    expect(finalToken).not.toBe(pendingToken);
    for (const token of [planted, pendingToken]) {
      const me = await t.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { cookie: `gatehouse_session=${token}` },
      });
      expect(me.statusCode).toBe(401);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: `gatehouse_session=${finalToken}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('ends the session a browser brought when it signs in again (an attacker’s own session planted on a victim dies)', async () => {
    const attacker = await signUpAndSignIn(t.app);
    const victim = await createUser(t.app);
    const res = await postSession(victim.email, victim.password, { cookie: attacker.cookie });
    expect(res.statusCode).toBe(200);
    expect(sessionTokenFrom(t.app, res)).not.toBe(attacker.token);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: attacker.cookie } })).statusCode,
    ).toBe(401);
  });

  it('stores only the SHA-256 of session tokens', async () => {
    const session = await signUpAndSignIn(t.app);
    const { rows } = await sql<{
      token_hash: Buffer;
    }>`select token_hash from sessions where user_id = ${session.userId}`.execute(t.app.deps.database.db);
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0].token_hash).equals(hashToken(session.token))).toBe(true);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  });
});
