import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { linkIn } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { platformHeaders } from '../../support/fixtures.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('accounts', () => {
  it('the platform creates an account with exactly one owner, invited by a single-use link', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: platformHeaders,
      payload: { name: 'Initech', ownerEmail: 'Peter@Initech.EXAMPLE' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.account).toMatchObject({
      name: 'Initech',
      status: 'active',
      settings: {
        requireTwoFactor: true,
        invitationLifetimeHours: 72,
        sessionIdleMinutes: 30,
        sessionAbsoluteHours: 12,
      },
    });
    expect(body.invitation.url).toMatch(/^http:\/\/gatehouse\.test\/invitations\/accept#token=[A-Za-z0-9_-]{43}$/);
    const { rows } = await sql<{ email: string; is_owner: boolean; status: string }>`
      select u.email, m.is_owner, m.status from members m join users u on u.id = m.user_id where m.account_id = ${body.account.id}`.execute(
      t.database.db,
    );
    expect(rows).toEqual([{ email: 'peter@initech.example', is_owner: true, status: 'invited' }]);
    // only the token's hash is stored
    const token = linkIn(body.invitation.url)!.token;
    const stored = await sql<{
      token_hash: Buffer;
    }>`select token_hash from invitations where account_id = ${body.account.id}`.execute(t.database.db);
    expect(Buffer.from(stored.rows[0].token_hash).toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
  });

  it('only the platform token creates accounts', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: owner.headers,
      payload: { name: 'Mine', ownerEmail: 'x@example.com' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('members read the account; renaming needs account.edit; security settings need account.settings, step-up and confirm', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'view_only' }));
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/accounts/${accountId}`, headers: viewer.headers })).json().name,
    ).toBe('Acme');
    const rename = await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}`,
      headers: viewer.headers,
      payload: { name: 'Hacked' },
    });
    expect(rename.statusCode).toBe(403);
    const noConfirm = await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}`,
      headers: owner.headers,
      payload: { settings: { invitationLifetimeHours: 24 } },
    });
    expect(noConfirm.json().code).toBe('request.confirmation_required');
    const ok = await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}`,
      headers: owner.headers,
      payload: { name: 'Acme Ltd', settings: { invitationLifetimeHours: 24 }, confirm: true },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'Acme Ltd',
      settings: { invitationLifetimeHours: 24, requireTwoFactor: true },
    });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}`,
      headers: owner.headers,
      payload: { settings: { invitationLifetimeHours: 1000 }, confirm: true },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/accounts/${accountId}`, headers: owner.headers })).json().settings
        .invitationLifetimeHours,
    ).toBe(24);
  });

  it('an account id from another tenant answers 404, exactly like one that does not exist', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/accounts/${other.accountId}`,
      headers: owner.headers,
    });
    const missing = await t.app.inject({ method: 'GET', url: '/v1/accounts/acc_doesnotexist', headers: owner.headers });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.json().code).toBe(missing.json().code);
  });
});

describe('profiles and resources', () => {
  it('creates, renames and archives profiles; a member limited to profiles sees only theirs', async () => {
    const a = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/accounts/${accountId}/profiles`,
        headers: platformHeaders,
        payload: { name: 'Store A' },
      })
    ).json();
    const b = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/accounts/${accountId}/profiles`,
        headers: owner.headers,
        payload: { name: 'Store B' },
      })
    ).json();
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/v1/accounts/${accountId}/profiles/${b.id}`,
          headers: owner.headers,
          payload: { name: 'Store Bee' },
        })
      ).json().name,
    ).toBe('Store Bee');
    const limited = await createUser(t.app, { accountId, builtinRole: 'finance' });
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}/members/${limited.memberId}`,
      headers: owner.headers,
      payload: { profileIds: [a.id], confirm: true },
    });
    const session = await signIn(t.app, limited);
    const seen = (
      await t.app.inject({ method: 'GET', url: `/v1/accounts/${accountId}/profiles`, headers: session.headers })
    )
      .json()
      .items.map((p: { id: string }) => p.id);
    expect(seen).toEqual([a.id]);
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}/profiles/${b.id}`,
      headers: owner.headers,
      payload: { archived: true },
    });
    const active = (
      await t.app.inject({ method: 'GET', url: `/v1/accounts/${accountId}/profiles`, headers: owner.headers })
    )
      .json()
      .items.map((p: { id: string }) => p.id);
    expect(active).not.toContain(b.id);
  });

  it('the platform registers resources of catalog types; members see those in their scope', async () => {
    for (const id of ['ba-1', 'ba-2', 'ba-3']) {
      expect(
        (
          await t.app.inject({
            method: 'PUT',
            url: `/v1/accounts/${accountId}/resources/bank_account/${id}`,
            headers: platformHeaders,
            payload: { name: `Bank ${id}` },
          })
        ).statusCode,
      ).toBe(201);
    }
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/v1/accounts/${accountId}/resources/bank_account/ba-1`,
          headers: platformHeaders,
          payload: { name: 'Renamed' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/v1/accounts/${accountId}/resources/spaceship/x`,
          headers: platformHeaders,
          payload: { name: 'No' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/v1/accounts/${accountId}/resources/bank_account/ba-9`,
          headers: owner.headers,
          payload: { name: 'Mine' },
        })
      ).statusCode,
    ).toBe(403);
    const limited = await createUser(t.app, { accountId, builtinRole: 'finance' });
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${accountId}/members/${limited.memberId}`,
      headers: owner.headers,
      payload: { resources: { bank_account: ['ba-2'] }, confirm: true },
    });
    const session = await signIn(t.app, limited);
    const seen = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/resources?type=bank_account`,
        headers: session.headers,
      })
    )
      .json()
      .items.map((r: { id: string }) => r.id);
    expect(seen).toEqual(['ba-2']);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/accounts/${accountId}/resources/bank_account/ba-3`,
          headers: platformHeaders,
        })
      ).statusCode,
    ).toBe(204);
  });
});

describe('catalog', () => {
  it('is served to anyone signed in, with own-capable and owner-only permissions and built-in roles', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/catalog', headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const catalog = res.json();
    const actions = catalog.modules.flatMap(
      (m: { actions: { permission: string; own: boolean; ownerOnly: boolean }[] }) => m.actions,
    );
    expect(actions.find((a: { permission: string }) => a.permission === 'bank_accounts.change').ownerOnly).toBe(true);
    expect(actions.find((a: { permission: string }) => a.permission === 'orders.view').own).toBe(true);
    expect(catalog.builtinRoles.map((r: { key: string }) => r.key)).toContain('restricted');
    expect((await t.app.inject({ method: 'GET', url: '/v1/catalog' })).statusCode).toBe(401);
  });
});
