import { describe, expect, it } from 'vitest';
import { getMember, previewRoleChange, updateMember } from '../../support/clients/members.js';
import { platform } from '../../support/clients/request.js';
import { createRole } from '../../support/clients/roles.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn, stepUp } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

const member = (role = 'view_only') => createUser(t.app, { accountId, builtinRole: role });
const roleOf = async (memberId: string) => (await getMember(t.app, owner, accountId, memberId)).body.role?.id;

describe('editing members', () => {
  it('changes role, scopes and flags; identity fields are fixed once set', async () => {
    const target = await member('view_only');
    const res = await updateMember(t.app, owner, accountId, target.memberId!, {
      roleId: 'builtin:finance',
      flags: { paymentLinks: false },
      identity: { idType: 'CC', idNumber: '123' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      role: { id: 'builtin:finance' },
      flags: { paymentLinks: false },
      identity: { idType: 'CC', idNumber: '123', phone: null },
    });
    const fixed = await updateMember(t.app, owner, accountId, target.memberId!, { identity: { idNumber: '999' } });
    expect([fixed.status, fixed.code]).toEqual([409, 'member.identity_fixed']);
    const phone = await updateMember(t.app, owner, accountId, target.memberId!, {
      identity: { phone: '+57 300 000 0000' },
    });
    expect(phone.status).toBe(200);
  });

  it('refuses unknown fields and changes nothing', async () => {
    const target = await member('view_only');
    const res = await updateMember(t.app, owner, accountId, target.memberId!, {
      roleId: 'builtin:finance',
      isOwner: true,
    });
    expect(res.status).toBe(400);
    expect(await roleOf(target.memberId!)).toBe('builtin:view_only');
    const unknownFlags = await updateMember(t.app, owner, accountId, target.memberId!, {
      roleId: 'builtin:finance',
      flags: { godMode: true, sudo: true },
    });
    expect(unknownFlags.status).toBe(400);
    expect(unknownFlags.problem?.errors?.map((error) => error.field)).toEqual([
      'body/flags/godMode',
      'body/flags/sudo',
    ]);
    expect(await roleOf(target.memberId!)).toBe('builtin:view_only');
  });

  it('refuses escalation: a manager cannot grant a role or flag above their own, nor manage someone above them', async () => {
    const role = await createRole(t.app, platform, accountId, {
      name: 'Team lead',
      permissions: [
        { permission: 'users.view', scope: 'all' },
        { permission: 'users.edit', scope: 'all' },
        { permission: 'payments.view', scope: 'all' },
      ],
    });
    expect(role.status).toBe(201);
    const lead = await stepUp(t.app, await signIn(t.app, await member('view_only')));
    expect((await updateMember(t.app, platform, accountId, lead.memberId!, { roleId: role.body.id })).status).toBe(200);
    const target = await member('view_only');
    const up = await updateMember(t.app, lead, accountId, target.memberId!, { roleId: 'builtin:administrator' });
    expect([up.status, up.code]).toEqual([403, 'authz.escalation']);
    const flag = await updateMember(t.app, lead, accountId, target.memberId!, { flags: { apiAccess: true } });
    expect(flag.code).toBe('authz.escalation');
    const admin = await member('administrator');
    const demote = await updateMember(t.app, lead, accountId, admin.memberId!, { roleId: 'builtin:view_only' });
    expect(demote.code).toBe('authz.escalation');
  });

  it('previews the permissions a role change gains and loses', async () => {
    const target = await member('view_only');
    const res = await previewRoleChange(t.app, owner, accountId, target.memberId!, 'builtin:finance');
    expect(res.status).toBe(200);
    const { gained, lost } = res.body;
    expect(gained.length).toBeGreaterThan(0);
    expect(gained.some((grant) => grant.permission === 'payments.export')).toBe(true);
    expect(lost.every((grant) => grant.permission !== 'payments.view')).toBe(true);
  });
});
