import { describe, expect, it } from 'vitest';
import { updateMember } from '../../support/clients/members.js';
import { platform } from '../../support/clients/request.js';
import { deleteResource, listResources, putResource } from '../../support/clients/resources.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser, signIn } from '../../support/users.js';

const { t, owner, accountId } = await ownerAccount();

describe('resources', () => {
  it('the platform registers resources of catalog types; members see those in their scope', async () => {
    for (const id of ['ba-1', 'ba-2', 'ba-3'])
      expect((await putResource(t.app, platform, accountId, 'bank_account', id, { name: `Bank ${id}` })).status).toBe(
        201,
      );
    expect((await putResource(t.app, platform, accountId, 'bank_account', 'ba-1', { name: 'Renamed' })).status).toBe(
      200,
    );
    expect((await putResource(t.app, platform, accountId, 'spaceship', 'x', { name: 'No' })).status).toBe(400);
    expect((await putResource(t.app, owner, accountId, 'bank_account', 'ba-9', { name: 'Mine' })).status).toBe(403);
    const limited = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect(
      (await updateMember(t.app, owner, accountId, limited.memberId!, { resources: { bank_account: ['ba-2'] } }))
        .status,
    ).toBe(200);
    const seen = await listResources(t.app, await signIn(t.app, limited), accountId, { type: 'bank_account' });
    expect(seen.body.items.map((resource) => resource.id)).toEqual(['ba-2']);
    expect((await deleteResource(t.app, platform, accountId, 'bank_account', 'ba-3')).status).toBe(204);
  });

  it('never ends a page early: when its reads run out before the page fills, the cursor carries on', async () => {
    const hidden = Array.from({ length: 45 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const id of [...hidden, 'bulk-zz'])
      expect((await putResource(t.app, platform, accountId, 'bank_account', id, { name: id })).status).toBe(201);
    const limited = await createUser(t.app, { accountId, builtinRole: 'finance' });
    expect(
      (await updateMember(t.app, owner, accountId, limited.memberId!, { resources: { bank_account: ['bulk-zz'] } }))
        .status,
    ).toBe(200);
    const session = await signIn(t.app, limited);

    // limit 1 reads the index two rows at a time: the 20 reads of the first page see only
    // resources hidden from this member.
    const first = (await listResources(t.app, session, accountId, { type: 'bank_account', limit: 1 })).body;
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    const seen: string[] = [];
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const page = (await listResources(t.app, session, accountId, { type: 'bank_account', limit: 1, cursor })).body;
      seen.push(...page.items.map((resource) => resource.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['bulk-zz']);
  });
});
