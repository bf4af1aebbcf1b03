import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/audit/verify.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, stepUp, type TestSession } from '../../support/users.js';

const { t, owner, accountId, url } = await ownerAccount();

const events = async (session: TestSession, query = '') =>
  (await t.app.inject({ method: 'GET', url: url(`/security-events${query}`), headers: session.headers })).json();

describe('the security log', () => {
  it('records who changed what on whom, with before/after, IP, user agent and request id', async () => {
    const target = await createUser(t.app, { accountId, builtinRole: 'view_only' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${target.memberId}`),
      headers: { ...owner.headers, 'user-agent': 'Audit test', 'x-request-id': 'req-audit-0001' },
      payload: { roleId: 'builtin:finance', confirm: true },
    });
    expect(res.statusCode).toBe(200);
    const { items } = await events(owner, `?target=${target.memberId}`);
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
    await t.app.inject({
      method: 'POST',
      url: url(`/members/${target.memberId}/deactivate`),
      headers: viewer.headers,
      payload: { confirm: true },
    });
    await t.app.deps.refusals.flush(true);
    const { items } = await events(owner, `?actor=${viewer.memberId}`);
    expect(items[0]).toMatchObject({
      action: 'members.deactivate',
      outcome: 'refused',
      errorCode: expect.stringMatching(/^auth|^authz/),
      target: { id: target.memberId },
    });
  });

  it('is visible only with security_log.view, filters by action prefix and time, and pages newest first', async () => {
    const viewer = await signIn(t.app, await createUser(t.app, { accountId, builtinRole: 'support' }));
    expect(
      (await t.app.inject({ method: 'GET', url: url('/security-events'), headers: viewer.headers })).statusCode,
    ).toBe(403);
    for (let i = 0; i < 5; i++) {
      await t.app.inject({
        method: 'POST',
        url: url('/roles'),
        headers: owner.headers,
        payload: { name: `Role ${i}`, permissions: [] },
      });
      t.clock.advance(1000);
    }
    const page1 = await events(owner, '?action=role.*&limit=3');
    expect(page1.items).toHaveLength(3);
    expect(page1.items.every((e: { action: string }) => e.action.startsWith('role.'))).toBe(true);
    const page2 = await events(owner, `?action=role.*&limit=3&cursor=${page1.nextCursor}`);
    const all = [...page1.items, ...page2.items].map((e: { at: string }) => e.at);
    expect(all).toEqual([...all].sort().reverse());
    const future = await events(owner, `?from=${new Date(t.clock.now().getTime() + 3600_000).toISOString()}`);
    expect(future.items).toEqual([]);
  });

  it('exports CSV and NDJSON with CR/LF, ANSI escapes and formula prefixes neutralised', async () => {
    const hostile = '=cmd|calc\r\n\u001b[31mred';
    const target = await createUser(t.app, { accountId, name: hostile });
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${target.memberId}`),
      headers: { ...owner.headers, 'user-agent': '@evil\u001b[2J' },
      payload: { roleId: 'builtin:support', confirm: true },
    });
    const csv = await t.app.inject({
      method: 'GET',
      url: url('/security-events/export?format=csv'),
      headers: owner.headers,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain('\u001b');
    expect(csv.body).toContain("'=cmd|calc");
    expect(csv.body).not.toMatch(/(^|,)"?=cmd/m);
    const ndjson = await t.app.inject({
      method: 'GET',
      url: url('/security-events/export?format=ndjson'),
      headers: owner.headers,
    });
    const lines = ndjson.body.trim().split('\n');
    for (const line of lines) JSON.parse(line);
    const row = lines
      .map((line) => JSON.parse(line))
      .find((e: { target: { id: string } | null }) => e.target?.id === target.memberId);
    expect(row.target.name).toBe("'=cmd|calc\\u000d\\u000a\\u001b[31mred");
    expect(row.userAgent.startsWith("'@evil")).toBe(true);
  });

  it('every member sees their own security activity', async () => {
    const me = await signIn(t.app, await createUser(t.app, { accountId }));
    const res = await t.app.inject({ method: 'GET', url: '/v1/me/security-events', headers: me.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.some((e: { action: string }) => e.action === 'session.signed_in')).toBe(true);
  });

  it('shows members’ sign-ins, failed sign-ins and lockouts in the account’s log', async () => {
    const member = await createUser(t.app, { accountId, builtinRole: 'support' });
    await signIn(t.app, member);
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: member.email, password: `wrong password ${i}` },
      });
      expect([401, 429]).toContain(res.statusCode);
      t.clock.advance(16 * 60_000); // past every back-off, never an hour apart
    }
    Object.assign(owner, await stepUp(t.app, await signIn(t.app, owner)));
    const actions = (await events(owner, `?target=${member.memberId}&limit=100`)).items.map(
      (e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`,
    );
    expect(actions).toContain('session.signed_in:success');
    expect(actions).toContain('session.sign_in_failed:failure');
    expect(actions).toContain('session.locked_out:failure');
  });

  it('keeps a verifiable chain through all of this', async () => {
    expect(await verifyChain(t.database.db, accountId)).toMatchObject({ ok: true });
  });
});
