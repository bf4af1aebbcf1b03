import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemberSummarySchema } from '../../../src/members/schemas.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { platformHeaders } from '../../support/fixtures.js';
import { createUser, signIn, signUpAndSignIn, stepUp, type TestSession, type TestUser } from '../../support/users.js';

let t: TestApp;
let owner: TestUser & TestSession;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await stepUp(t.app, await signUpAndSignIn(t.app, { account: { name: 'Acme' }, name: 'Olivia Owner' }));
  accountId = owner.accountId!;
});
afterAll(() => t.close());
// Some tests move the clock past the step-up window: give the owner a fresh one each time.
beforeEach(async () => {
  owner = await stepUp(t.app, owner);
});

const url = (path: string) => `/v1/accounts/${accountId}${path}`;

async function member(role = 'view_only', extra: Parameters<typeof createUser>[1] = {}) {
  return createUser(t.app, { accountId, builtinRole: role, ...extra });
}

async function asAdmin() {
  const admin = await member('administrator');
  return stepUp(t.app, await signIn(t.app, admin));
}

function inject(
  session: TestSession,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  payload?: unknown,
) {
  return t.app.inject({
    method,
    url: url(path),
    headers: session.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('the users list', () => {
  it('shows name, email, role, status, last sign-in and 2FA; searches by name or email prefix; filters; paginates', async () => {
    const grace = await member('finance', { name: 'Grace Hopper', email: 'grace@navy.example' });
    await member('support', { name: 'Alan Turing', email: 'alan@bletchley.example' });
    const res = await inject(owner, 'GET', '/members?q=gra');
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items.map((m: { email: string }) => m.email)).toEqual(['grace@navy.example']);
    expect(items[0]).toMatchObject({
      id: grace.memberId,
      name: 'Grace Hopper',
      status: 'active',
      role: { id: 'builtin:finance' },
      twoFactorEnabled: true,
    });
    expect((await inject(owner, 'GET', '/members?q=ALAN@')).json().items).toHaveLength(1);
    const finance = (await inject(owner, 'GET', '/members?roleId=builtin:finance')).json().items;
    expect(finance.every((m: { role: { id: string } }) => m.role.id === 'builtin:finance')).toBe(true);
    // pagination walks every member exactly once
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await inject(owner, 'GET', `/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await inject(owner, 'GET', '/members?limit=200')).json().items.map((m: { id: string }) => m.id);
    expect(seen).toEqual(all);
  });

  it('answers each listed member with exactly the list fields, as the member details have them', async () => {
    // The list is written by JSON.stringify, not by the schema's serializer: this pins it to the schema.
    const edsger = await member('developer', { name: 'Edsger Dijkstra' });
    await sql`update members set id_type = 'passport', id_number = 'P1234567', phone = '+31 20 555 0100' where id = ${edsger.memberId}`.execute(
      t.app.deps.database.db,
    );
    const { items } = (await inject(owner, 'GET', '/members?limit=200')).json();
    expect(items.length).toBeGreaterThan(1);
    const listed = Object.keys(MemberSummarySchema.properties).sort();
    expect(listed).toEqual([
      'createdAt',
      'email',
      'id',
      'isOwner',
      'lastSignInAt',
      'name',
      'profileIds',
      'role',
      'status',
      'twoFactorEnabled',
      'userId',
    ]);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(listed);
      const details = (await inject(owner, 'GET', `/members/${item.id}`)).json();
      expect(item).toEqual(Object.fromEntries(listed.map((key) => [key, details[key]])));
      expect(item.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    // Identity fields are personal data: only a member's details carry them.
    const page = (await inject(owner, 'GET', '/members?limit=200')).body;
    expect(page).not.toContain('P1234567');
  });

  it('treats LIKE wildcards in the search literally', async () => {
    expect((await inject(owner, 'GET', '/members?q=%25')).json().items).toEqual([]);
    expect((await inject(owner, 'GET', '/members?q=_')).json().items).toEqual([]);
  });

  it('exports CSV with formula-looking cells neutralised and RFC 4180 quoting', async () => {
    await member('support', { name: '=HYPERLINK("http://evil.example","click")', email: 'formula@example.com' });
    await member('support', { name: 'Doe, "Jo"', email: 'comma@example.com' });
    const res = await inject(owner, 'GET', '/members/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body.startsWith('id,name,email,role,status')).toBe(true);
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(res.body).toContain('"Doe, ""Jo"""');
    expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('needs users.view', async () => {
    const noUsers = await signIn(t.app, await member('developer'));
    expect((await inject(noUsers, 'GET', '/members')).statusCode).toBe(403);
  });
});

describe('member status changes', () => {
  it('need a fresh step-up, then an explicit confirmation', async () => {
    const target = await member();
    const admin = await signIn(t.app, await member('administrator'));
    // Signing in verified a second factor; five minutes later that no longer counts.
    t.clock.advance(6 * 60_000);
    const noStepUp = await inject(admin, 'POST', `/members/${target.memberId}/deactivate`, { confirm: true });
    expect(noStepUp.statusCode).toBe(401);
    expect(noStepUp.json().code).toBe('auth.step_up_required');
    const steppedUp = await stepUp(t.app, admin);
    const noConfirm = await inject(steppedUp, 'POST', `/members/${target.memberId}/deactivate`, {});
    expect(noConfirm.statusCode).toBe(400);
    expect(noConfirm.json().code).toBe('request.confirmation_required');
    t.clock.advance(6 * 60_000);
    expect(
      (await inject(steppedUp, 'POST', `/members/${target.memberId}/deactivate`, { confirm: true })).json().code,
    ).toBe('auth.step_up_required');
  });

  it('deactivation blocks the member on their very next request and ends their session; reactivation restores access', async () => {
    const target = await member('finance');
    const targetSession = await signIn(t.app, target);
    expect((await inject(targetSession, 'GET', '')).statusCode).toBe(200);
    const admin = await asAdmin();
    const res = await inject(admin, 'POST', `/members/${target.memberId}/deactivate`, { confirm: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('inactive');
    // This was their only account: their session is over, not merely refused here.
    expect((await inject(targetSession, 'GET', '')).statusCode).toBe(401);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: targetSession.headers });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('auth.required');
    // inactive members cannot be edited, only reactivated or removed
    const edit = await inject(admin, 'PATCH', `/members/${target.memberId}`, {
      roleId: 'builtin:support',
      confirm: true,
    });
    expect(edit.json().code).toBe('member.inactive');
    expect(
      (await inject(admin, 'POST', `/members/${target.memberId}/reactivate`, { confirm: true })).json().status,
    ).toBe('active');
    const again = await signIn(t.app, target);
    expect((await inject(again, 'GET', '')).statusCode).toBe(200);
  });

  it('removal from the last account ends every session of the person at once', async () => {
    const target = await member('finance');
    const laptop = await signIn(t.app, target);
    const phone = await signIn(t.app, target);
    const admin = await asAdmin();
    expect((await inject(admin, 'POST', `/members/${target.memberId}/remove`, { confirm: true })).statusCode).toBe(200);
    for (const session of [laptop, phone]) {
      expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(401);
    }
    const { rows } = await sql`select count(*)::int as n from sessions where user_id = ${target.userId}`.execute(
      t.app.deps.database.db,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('a person still active in another account keeps their session there; this account refuses them at once', async () => {
    const target = await member('finance');
    const globex = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    await sql`insert into members (account_id, id, user_id, status, builtin_role, activated_at)
              values (${globex.accountId}, ${'mem_' + target.userId.slice(4)}, ${target.userId}, 'active', 'view_only', now())`.execute(
      t.app.deps.database.db,
    );
    t.app.deps.access.cache.invalidate([{ kind: 'user', id: target.userId }]);
    const session = await signIn(t.app, target);
    const admin = await asAdmin();
    expect((await inject(admin, 'POST', `/members/${target.memberId}/deactivate`, { confirm: true })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/accounts/${globex.accountId}`, headers: session.headers }))
        .statusCode,
    ).toBe(200);
    const here = await inject(session, 'GET', '');
    expect(here.statusCode).toBe(403);
    // Removed from the other account too: now it was their last, and the session ends.
    const globexOwner = await stepUp(t.app, globex);
    const removed = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${globex.accountId}/members/mem_${target.userId.slice(4)}/remove`,
      headers: globexOwner.headers,
      payload: { confirm: true },
    });
    expect(removed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.headers })).statusCode).toBe(401);
  });

  it('never targets the owner, and nobody changes their own status or role', async () => {
    const admin = await asAdmin();
    const ownerId = owner.memberId!;
    for (const action of ['deactivate', 'remove']) {
      const res = await inject(admin, 'POST', `/members/${ownerId}/${action}`, { confirm: true });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('member.owner_protected');
    }
    expect(
      (await inject(admin, 'PATCH', `/members/${ownerId}`, { roleId: 'builtin:view_only', confirm: true })).json().code,
    ).toBe('member.owner_protected');
    expect((await inject(admin, 'POST', `/members/${admin.memberId}/deactivate`, { confirm: true })).json().code).toBe(
      'authz.self_change',
    );
    expect(
      (
        await inject(admin, 'PATCH', `/members/${admin.memberId}`, { roleId: 'builtin:view_only', confirm: true })
      ).json().code,
    ).toBe('authz.self_change');
  });

  it('two admins removing each other at once: at most one succeeds, and the owner remains', async () => {
    const a = await asAdmin();
    const b = await asAdmin();
    const [ra, rb] = await Promise.all([
      inject(a, 'POST', `/members/${b.memberId}/remove`, { confirm: true }),
      inject(b, 'POST', `/members/${a.memberId}/remove`, { confirm: true }),
    ]);
    expect([ra.statusCode, rb.statusCode].filter((status) => status === 200)).toHaveLength(1);
    const owners = (await inject(owner, 'GET', '/members?limit=200'))
      .json()
      .items.filter((m: { isOwner: boolean; status: string }) => m.isOwner && m.status === 'active');
    expect(owners).toHaveLength(1);
  });
});

describe('editing members', () => {
  it('changes role, scopes and flags; identity fields are fixed once set', async () => {
    const target = await member('view_only');
    const res = await inject(owner, 'PATCH', `/members/${target.memberId}`, {
      roleId: 'builtin:finance',
      flags: { paymentLinks: false },
      identity: { idType: 'CC', idNumber: '123' },
      confirm: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      role: { id: 'builtin:finance' },
      flags: { paymentLinks: false },
      identity: { idType: 'CC', idNumber: '123', phone: null },
    });
    const fixed = await inject(owner, 'PATCH', `/members/${target.memberId}`, {
      identity: { idNumber: '999' },
      confirm: true,
    });
    expect(fixed.statusCode).toBe(409);
    expect(fixed.json().code).toBe('member.identity_fixed');
    expect(
      (
        await inject(owner, 'PATCH', `/members/${target.memberId}`, {
          identity: { phone: '+57 300 000 0000' },
          confirm: true,
        })
      ).statusCode,
    ).toBe(200);
  });

  it('refuses unknown fields and changes nothing', async () => {
    const target = await member('view_only');
    const res = await inject(owner, 'PATCH', `/members/${target.memberId}`, {
      roleId: 'builtin:finance',
      isOwner: true,
      confirm: true,
    });
    expect(res.statusCode).toBe(400);
    expect((await inject(owner, 'GET', `/members/${target.memberId}`)).json().role.id).toBe('builtin:view_only');
    const unknownFlags = await inject(owner, 'PATCH', `/members/${target.memberId}`, {
      roleId: 'builtin:finance',
      flags: { godMode: true, sudo: true },
      confirm: true,
    });
    expect(unknownFlags.statusCode).toBe(400);
    expect(unknownFlags.json().errors.map((error: { field: string }) => error.field)).toEqual([
      'body/flags/godMode',
      'body/flags/sudo',
    ]);
    expect((await inject(owner, 'GET', `/members/${target.memberId}`)).json().role.id).toBe('builtin:view_only');
  });

  it('refuses escalation: a manager cannot grant a role or flag above their own, nor manage someone above them', async () => {
    const role = await t.app.inject({
      method: 'POST',
      url: url('/roles'),
      headers: platformHeaders,
      payload: {
        name: 'Team lead',
        permissions: [
          { permission: 'users.view', scope: 'all' },
          { permission: 'users.edit', scope: 'all' },
          { permission: 'payments.view', scope: 'all' },
        ],
      },
    });
    const lead = await stepUp(t.app, await signIn(t.app, await member('view_only', {})));
    await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${lead.memberId}`),
      headers: platformHeaders,
      payload: { roleId: role.json().id, confirm: true },
    });
    const target = await member('view_only');
    const up = await inject(lead, 'PATCH', `/members/${target.memberId}`, {
      roleId: 'builtin:administrator',
      confirm: true,
    });
    expect(up.statusCode).toBe(403);
    expect(up.json().code).toBe('authz.escalation');
    const flag = await inject(lead, 'PATCH', `/members/${target.memberId}`, {
      flags: { apiAccess: true },
      confirm: true,
    });
    expect(flag.json().code).toBe('authz.escalation');
    const admin = await member('administrator');
    const demote = await inject(lead, 'PATCH', `/members/${admin.memberId}`, {
      roleId: 'builtin:view_only',
      confirm: true,
    });
    expect(demote.json().code).toBe('authz.escalation');
  });

  it('previews the permissions a role change gains and loses', async () => {
    const target = await member('view_only');
    const res = await inject(owner, 'GET', `/members/${target.memberId}/role-change-preview?roleId=builtin:finance`);
    expect(res.statusCode).toBe(200);
    const { gained, lost } = res.json();
    expect(gained.length).toBeGreaterThan(0);
    expect(gained.some((g: { permission: string }) => g.permission === 'payments.export')).toBe(true);
    expect(lost.every((l: { permission: string }) => l.permission !== 'payments.view')).toBe(true);
  });
});

describe('resource assignments', () => {
  it('are possible only for active members, and only for registered resources', async () => {
    for (const id of ['ba-1', 'ba-2']) {
      await t.app.inject({
        method: 'PUT',
        url: url(`/resources/bank_account/${id}`),
        headers: platformHeaders,
        payload: { name: `Account ${id}` },
      });
    }
    const target = await member('finance');
    await inject(owner, 'PATCH', `/members/${target.memberId}`, {
      resources: { bank_account: ['ba-1'] },
      confirm: true,
    });
    const assign = await inject(owner, 'PUT', `/members/${target.memberId}/resources/bank_account/ba-2`, {
      confirm: true,
    });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().resourceScope.bank_account.sort()).toEqual(['ba-1', 'ba-2']);
    expect(
      (await inject(owner, 'PUT', `/members/${target.memberId}/resources/bank_account/nope`, { confirm: true }))
        .statusCode,
    ).toBe(404);
    const invited = await member('finance', { totp: false });
    await t.app.inject({
      method: 'POST',
      url: url(`/members/${invited.memberId}/deactivate`),
      headers: platformHeaders,
      payload: { confirm: true },
    });
    const inactive = await inject(owner, 'PUT', `/members/${invited.memberId}/resources/bank_account/ba-1`, {
      confirm: true,
    });
    expect(inactive.statusCode).toBe(409);
    expect(inactive.json().code).toBe('member.not_active');
  });
});

describe('tenancy', () => {
  it('ids from another account answer 404, and strangers cannot see an account at all', async () => {
    const other = await signUpAndSignIn(t.app, { account: { name: 'Globex' } });
    const stranger = await createUser(t.app, { accountId: other.accountId, builtinRole: 'view_only' });
    expect((await inject(owner, 'GET', `/members/${stranger.memberId}`)).statusCode).toBe(404);
    expect(
      (await inject(owner, 'POST', `/members/${stranger.memberId}/deactivate`, { confirm: true })).statusCode,
    ).toBe(404);
    const res = await t.app.inject({ method: 'GET', url: `/v1/accounts/${accountId}/members`, headers: other.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('account.not_found');
  });
});
