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
});
