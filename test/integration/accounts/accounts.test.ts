import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAccount, getAccount, updateAccount } from '../../support/clients/accounts.js';
import { platform } from '../../support/clients/request.js';
import { linkIn } from '../../support/mailbox.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, signUpAndSignIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('accounts', () => {
  it('the platform creates an account with exactly one owner, invited by a single-use link', async () => {
    const res = await createAccount(t.app, platform, { name: 'Initech', ownerEmail: 'Peter@Initech.EXAMPLE' });
    expect(res.status).toBe(201);
    const { account, invitation } = res.body;
    expect(account).toMatchObject({
      name: 'Initech',
      status: 'active',
      settings: {
        requireTwoFactor: true,
        invitationLifetimeHours: 72,
        sessionIdleMinutes: 30,
        sessionAbsoluteHours: 12,
      },
    });
    expect(invitation.url).toMatch(/^http:\/\/gatehouse\.test\/invitations\/accept#token=[A-Za-z0-9_-]{43}$/);
    const { rows } = await sql<{ email: string; is_owner: boolean; status: string }>`
      select u.email, m.is_owner, m.status from members m join users u on u.id = m.user_id where m.account_id = ${account.id}`.execute(
      t.database.db,
    );
    expect(rows).toEqual([{ email: 'peter@initech.example', is_owner: true, status: 'invited' }]);
    // only the token's hash is stored
    const token = linkIn(invitation.url)!.token;
    const stored = await sql<{
      token_hash: Buffer;
    }>`select token_hash from invitations where account_id = ${account.id}`.execute(t.database.db);
    expect(Buffer.from(stored.rows[0].token_hash).toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
  });

  it('only the platform token creates accounts', async () => {
    expect((await createAccount(t.app, owner, { name: 'Mine', ownerEmail: 'x@example.com' })).status).toBe(403);
  });

  it('members read the account; renaming needs account.edit; security settings need account.settings, step-up and confirm', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'view_only' }));
    expect((await getAccount(t.app, viewer, accountId)).body.name).toBe('Acme');
    expect((await updateAccount(t.app, viewer, accountId, { name: 'Hacked' })).status).toBe(403);
    const noConfirm = await updateAccount(t.app, owner, accountId, { settings: { invitationLifetimeHours: 24 } });
    expect(noConfirm.code).toBe('request.confirmation_required');
    const ok = await updateAccount(t.app, owner, accountId, {
      name: 'Acme Ltd',
      settings: { invitationLifetimeHours: 24 },
      confirm: true,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      name: 'Acme Ltd',
      settings: { invitationLifetimeHours: 24, requireTwoFactor: true },
    });
    const bad = await updateAccount(t.app, owner, accountId, {
      settings: { invitationLifetimeHours: 1000 },
      confirm: true,
    });
    expect(bad.status).toBe(400);
    expect((await getAccount(t.app, owner, accountId)).body.settings.invitationLifetimeHours).toBe(24);
  });

  it('an account id from another tenant answers 404, exactly like one that does not exist', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const foreign = await getAccount(t.app, owner, other.accountId!);
    const missing = await getAccount(t.app, owner, 'acc_doesnotexist');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.code).toBe(missing.code);
  });
});
