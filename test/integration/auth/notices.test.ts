import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { signUpAndSignIn, stepUp } from '../../support/users.js';
import { mailsTo } from '../../support/mailbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('security notices and events', () => {
  it('mails the user on a new sign-in, a 2FA change and a password change, and logs each event', async () => {
    const session = await signUpAndSignIn(t.app);
    expect(await mailsTo(t.app, session.email, 'security_new_sign_in')).toHaveLength(1);

    const regenerated = await t.app.inject({
      method: 'POST',
      url: '/v1/me/recovery-codes',
      headers: session.headers,
      payload: { confirm: true },
    });
    expect(regenerated.statusCode).toBe(200);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: session.headers,
      payload: { currentPassword: session.password, newPassword: 'the next passphrase' },
    });
    expect(put.statusCode).toBe(204);
    await stepUp(t.app, session);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: '/v1/me/totp',
          headers: session.headers,
          payload: { confirm: true },
        })
      ).statusCode,
    ).toBe(204);

    const twoFactor = await mailsTo(t.app, session.email, 'security_two_factor_changed');
    expect(twoFactor).toHaveLength(2);
    expect(await mailsTo(t.app, session.email, 'security_password_changed')).toHaveLength(1);

    const { rows } = await sql<{ action: string; outcome: string }>`
      select action, outcome from security_events where target_id = ${session.userId} order by seq`.execute(
      t.app.deps.database.db,
    );
    expect(rows.map((row) => row.action)).toEqual([
      'session.signed_in',
      'two_factor.recovery_codes_regenerated',
      'password.changed',
      'session.stepped_up',
      'two_factor.reset',
    ]);
  });

  it('logs failed attempts against a known user, without the guess', async () => {
    const session = await signUpAndSignIn(t.app);
    await t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: session.email, password: 'a wrong guess 123' },
    });
    const { rows } = await sql<{ action: string; outcome: string; after: unknown }>`
      select action, outcome, after from security_events where target_id = ${session.userId} and outcome = 'failure'`.execute(
      t.app.deps.database.db,
    );
    expect(rows).toEqual([{ action: 'session.sign_in_failed', outcome: 'failure', after: { method: 'password' } }]);
  });
});
