import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MemberSummarySchema } from '../../../src/members/schemas.js';
import { exportMembers, getMember, listMembers } from '../../support/clients/members.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

const member = (role = 'view_only', options: Parameters<typeof createUser>[1] = {}) =>
  createUser(t.app, { accountId, builtinRole: role, ...options });

describe('the users list', () => {
  it('shows name, email, role, status, last sign-in and 2FA; searches by name or email prefix; filters; paginates', async () => {
    const grace = await member('finance', { name: 'Grace Hopper', email: 'grace@navy.example' });
    await member('support', { name: 'Alan Turing', email: 'alan@bletchley.example' });
    const res = await listMembers(t.app, owner, accountId, { q: 'gra' });
    expect(res.status).toBe(200);
    const { items } = res.body;
    expect(items.map((item) => item.email)).toEqual(['grace@navy.example']);
    expect(items[0]).toMatchObject({
      id: grace.memberId,
      name: 'Grace Hopper',
      status: 'active',
      role: { id: 'builtin:finance' },
      twoFactorEnabled: true,
    });
    expect((await listMembers(t.app, owner, accountId, { q: 'ALAN@' })).body.items).toHaveLength(1);
    const finance = (await listMembers(t.app, owner, accountId, { roleId: 'builtin:finance' })).body.items;
    expect(finance.every((item) => item.role?.id === 'builtin:finance')).toBe(true);
    // pagination walks every member exactly once
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await listMembers(t.app, owner, accountId, { limit: 2, cursor })).body;
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = (await listMembers(t.app, owner, accountId, { limit: 200 })).body.items.map((item) => item.id);
    expect(seen).toEqual(all);
  });

  it('answers each listed member with exactly the list fields, as the member details have them', async () => {
    // The list is written by JSON.stringify, not by the schema's serializer: this pins it to the schema.
    const edsger = await member('developer', { name: 'Edsger Dijkstra' });
    await sql`update members set id_type = 'passport', id_number = 'P1234567', phone = '+31 20 555 0100' where id = ${edsger.memberId}`.execute(
      t.app.deps.database.db,
    );
    const list = await listMembers(t.app, owner, accountId, { limit: 200 });
    const { items } = list.body;
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
      const details = (await getMember(t.app, owner, accountId, item.id)).body;
      expect(item).toEqual(Object.fromEntries(listed.map((key) => [key, details[key as keyof typeof details]])));
      expect(item.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    // Identity fields are personal data: only a member's details carry them.
    expect(list.response.body).not.toContain('P1234567');
  });

  it('treats LIKE wildcards in the search literally', async () => {
    expect((await listMembers(t.app, owner, accountId, { q: '%' })).body.items).toEqual([]);
    expect((await listMembers(t.app, owner, accountId, { q: '_' })).body.items).toEqual([]);
  });

  it('exports CSV with formula-looking cells neutralised and RFC 4180 quoting', async () => {
    await member('support', { name: '=HYPERLINK("http://evil.example","click")', email: 'formula@example.com' });
    await member('support', { name: 'Doe, "Jo"', email: 'comma@example.com' });
    const { status, response } = await exportMembers(t.app, owner, accountId);
    expect(status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body.startsWith('id,name,email,role,status')).toBe(true);
    expect(response.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(response.body).toContain('"Doe, ""Jo"""');
    expect(response.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('needs users.view', async () => {
    const noUsers = await signIn(t.app, await member('developer'));
    expect((await listMembers(t.app, noUsers, accountId)).status).toBe(403);
  });
});
