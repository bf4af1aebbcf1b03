import { describe, expect, it } from 'vitest';
import { getCatalog } from '../../support/clients/catalog.js';
import { anonymous } from '../../support/clients/request.js';
import { ownerAccount } from '../../support/owner-account.js';

const { t, owner } = await ownerAccount();

describe('catalog', () => {
  it('is served to anyone signed in, with own-capable and owner-only permissions and built-in roles', async () => {
    const res = await getCatalog(t.app, owner);
    expect(res.status).toBe(200);
    const actions = res.body.modules.flatMap((module) => module.actions);
    expect(actions.find((action) => action.permission === 'bank_accounts.change')?.ownerOnly).toBe(true);
    expect(actions.find((action) => action.permission === 'orders.view')?.own).toBe(true);
    expect(res.body.builtinRoles.map((role) => role.key)).toContain('restricted');
    expect((await getCatalog(t.app, anonymous)).status).toBe(401);
  });
});
