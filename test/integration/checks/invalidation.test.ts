import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import { openDatabase } from '../../../src/db/database.js';
import { createTestApp, testConfig, type TestApp } from '../../support/app.js';
import { engine } from '../../support/database.js';
import { check } from '../../support/clients/checks.js';
import { platform } from '../../support/clients/request.js';
import { createRole, updateRole } from '../../support/clients/roles.js';
import { activateOwner, addMember, createAccount } from '../../support/fixtures.js';

let t: TestApp;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ accountId } = await createAccount(t.app, 'Acme'));
  await activateOwner(t.app, accountId);
});
afterAll(() => t.close());

describe('invalidation', () => {
  it('a role edit is seen by the very next check on a second instance sharing the database', async () => {
    const second =
      engine === 'postgres' ? await openDatabase({ databaseUrl: t.database.url, poolSize: 2 }) : t.database;
    const other = await buildApp(testConfig(), { database: second });
    try {
      const role = await createRole(t.app, platform, accountId, {
        name: 'Refunds desk',
        permissions: [{ permission: 'payments.view', scope: 'all' }],
      });
      expect(role.status).toBe(201);
      const member = await addMember(t.app, accountId, { roleId: role.body.id });
      const body = { accountId, subject: { memberId: member.memberId }, permission: 'refunds.issue' };
      const ask = async () => (await check(other, platform, body)).body.allowed;
      expect(await ask()).toBe(false); // now compiled and cached on the second instance
      // Toggle a few times: each edit must be visible to the very next check over there.
      for (const refunds of [true, false, true, false, true]) {
        const permissions: Grant[] = [
          { permission: 'payments.view', scope: 'all' },
          ...(refunds ? [{ permission: 'refunds.issue', scope: 'all' as const }] : []),
        ];
        const edit = await updateRole(t.app, platform, accountId, role.body.id, { permissions, confirm: true });
        expect(edit.status).toBe(200);
        expect(await ask()).toBe(refunds);
      }
      // And a status change made directly through the first instance's commit path is seen too.
      await t.app.deps.access.commit(async (trx, changed) => {
        await sql`update members set status = 'inactive' where id = ${member.memberId}`.execute(trx);
        changed({ kind: 'member', id: member.memberId });
      });
      expect(await ask()).toBe(false);
    } finally {
      await other.close();
      if (second !== t.database) await second.close();
    }
  });
});
