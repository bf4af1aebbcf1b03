import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/audit/verify.js';
import {
  exportSecurityEvents,
  mySecurityEvents,
  type SecurityEvent,
  securityEvents,
} from '../../support/clients/audit.js';
import { changeMemberStatus, updateMember } from '../../support/clients/members.js';
import { changePassword, newRecoveryCodes, requestEmailChange } from '../../support/clients/me.js';
import { anonymous, send } from '../../support/clients/request.js';
import { createRole } from '../../support/clients/roles.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, sessionTokenFrom, signIn, stepUp, testPassword } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('the security log', () => {
  it('records who changed what on whom, with before/after, IP, user agent and request id', async () => {
    const target = await createUser(t.app, { accountId, builtinRole: 'view_only' });
    const traced = { headers: { ...owner.headers, 'user-agent': 'Audit test', 'x-request-id': 'req-audit-0001' } };
    expect((await updateMember(t.app, traced, accountId, target.memberId!, { roleId: 'builtin:finance' })).status).toBe(
      200,
    );
    const { items } = (await securityEvents(t.app, owner, accountId, { target: target.memberId })).body;
    expect(items[0]).toMatchObject({
      action: 'member.role_changed',
      outcome: 'success',
      actor: { type: 'member', id: owner.memberId },
      target: { type: 'member', id: target.memberId },
      before: { role: { id: 'builtin:view_only' } },
      after: { role: { id: 'builtin:finance' } },
      userAgent: 'Audit test',
      requestId: 'req-audit-0001',
      count: 1,
    });
    expect(items[0].ip).toBeTruthy();
  });

  it('records refusals with their error code', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'view_only' }));
    const target = await createUser(t.app, { accountId });
    expect((await changeMemberStatus(t.app, viewer, accountId, target.memberId!, 'deactivate')).status).toBe(403);
    await t.app.deps.refusals.flush(true);
    const { items } = (await securityEvents(t.app, owner, accountId, { actor: viewer.memberId })).body;
    expect(items[0]).toMatchObject({
      action: 'members.deactivate',
      outcome: 'refused',
      errorCode: expect.stringMatching(/^auth|^authz/),
      target: { id: target.memberId },
    });
  });

  it('is visible only with security_log.view, filters by action prefix and time, and pages newest first', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'support' }));
    expect((await securityEvents(t.app, viewer, accountId)).status).toBe(403);
    for (let i = 0; i < 5; i++) {
      expect((await createRole(t.app, owner, accountId, { name: `Role ${i}`, permissions: [] })).status).toBe(201);
      t.clock.advance(1000);
    }
    const page1 = (await securityEvents(t.app, owner, accountId, { action: 'role.*', limit: 3 })).body;
    expect(page1.items).toHaveLength(3);
    expect(page1.items.every((event) => event.action.startsWith('role.'))).toBe(true);
    const page2 = (
      await securityEvents(t.app, owner, accountId, { action: 'role.*', limit: 3, cursor: page1.nextCursor! })
    ).body;
    const all = [...page1.items, ...page2.items].map((event) => event.at);
    expect(all).toEqual([...all].sort().reverse());
    const future = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    expect((await securityEvents(t.app, owner, accountId, { from: future })).body.items).toEqual([]);
  });

  it('exports CSV and NDJSON with CR/LF, ANSI escapes and formula prefixes neutralised', async () => {
    const hostile = '=cmd|calc\r\n\u001b[31mred';
    const target = await createUser(t.app, { accountId, name: hostile });
    const evil = { headers: { ...owner.headers, 'user-agent': '@evil\u001b[2J' } };
    expect((await updateMember(t.app, evil, accountId, target.memberId!, { roleId: 'builtin:support' })).status).toBe(
      200,
    );
    const csv = await exportSecurityEvents(t.app, owner, accountId, { format: 'csv' });
    expect(csv.status).toBe(200);
    expect(csv.response.body).not.toContain('\u001b');
    expect(csv.response.body).toContain("'=cmd|calc");
    expect(csv.response.body).not.toMatch(/(^|,)"?=cmd/m);
    const ndjson = await exportSecurityEvents(t.app, owner, accountId, { format: 'ndjson' });
    const rows = ndjson.response.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SecurityEvent);
    const row = rows.find((event) => event.target?.id === target.memberId);
    expect(row?.target?.name).toBe("'=cmd|calc\\u000d\\u000a\\u001b[31mred");
    expect(row?.userAgent?.startsWith("'@evil")).toBe(true);
  });

  it('every member sees their own security activity', async () => {
    const me = await signIn(t.app, await createUser(t.app, { accountId }));
    const res = await mySecurityEvents(t.app, me);
    expect(res.status).toBe(200);
    expect(res.body.items.some((event) => event.action === 'session.signed_in')).toBe(true);
  });

  it('shows a person their sign-ins, recovery-code, password and email events', async () => {
    const user = await createUser(t.app, { accountId });
    const session = await stepUp(t.app, await signIn(t.app, user));
    const [recoveryCode] = (await newRecoveryCodes(t.app, session)).body.recoveryCodes;
    expect((await requestEmailChange(t.app, session, `new-${user.email}`)).status).toBe(202);
    const newPassword = `${testPassword} again`;
    expect((await changePassword(t.app, session, { currentPassword: user.password, newPassword })).status).toBe(204);

    const pending = await send<{ csrfToken: string }>(t.app, anonymous, 'POST', '/v1/session', {
      email: user.email,
      password: newPassword,
    });
    const headers = {
      cookie: `gatehouse_session=${sessionTokenFrom(t.app, pending.response)}`,
      'x-csrf-token': pending.body.csrfToken,
    };
    expect((await send(t.app, { headers }, 'POST', '/v1/session/second-factor', { recoveryCode })).status).toBe(200);

    const actions = (await mySecurityEvents(t.app, session, { limit: 100 })).body.items.map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'session.signed_in',
        'session.stepped_up',
        'two_factor.recovery_codes_regenerated',
        'two_factor.recovery_code_used',
        'email.change_requested',
        'password.changed',
      ]),
    );
  });

  it('shows members’ sign-ins, failed sign-ins and lockouts in the account’s log', async () => {
    const member = await createUser(t.app, { accountId, builtinRole: 'support' });
    await signIn(t.app, member);
    for (let i = 0; i < 20; i++) {
      const res = await send(t.app, anonymous, 'POST', '/v1/session', {
        email: member.email,
        password: `wrong password ${i}`,
      });
      expect([401, 429]).toContain(res.status);
      t.clock.advance(16 * 60_000); // past every back-off, never an hour apart
    }
    Object.assign(owner, await stepUp(t.app, await signIn(t.app, owner)));
    const { items } = (await securityEvents(t.app, owner, accountId, { target: member.memberId, limit: 100 })).body;
    const actions = items.map((event) => `${event.action}:${event.outcome}`);
    expect(actions).toContain('session.signed_in:success');
    expect(actions).toContain('session.sign_in_failed:failure');
    expect(actions).toContain('session.locked_out:failure');
  });

  it('keeps a verifiable chain through all of this', async () => {
    expect(await verifyChain(t.database.db, accountId)).toMatchObject({ ok: true });
  });
});
