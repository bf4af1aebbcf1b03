import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountAccess, requirePermission } from '../../../src/access/guard.js';
import { servicePermissions } from '../../../src/access/permissions.js';
import { buildApp } from '../../../src/app.js';
import { defaultCatalogPath, loadCatalog } from '../../../src/catalog/catalog.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/** The default catalog less the given permissions (and any role grant naming them). */
function catalogWithout(...dropped: string[]): string {
  const doc = JSON.parse(readFileSync(defaultCatalogPath, 'utf8'));
  for (const module of doc.modules) {
    module.actions = module.actions.filter(
      (action: { key: string }) => !dropped.includes(`${module.key}.${action.key}`),
    );
  }
  doc.modules = doc.modules.filter((module: { actions: unknown[] }) => module.actions.length > 0);
  for (const role of doc.roles) {
    role.permissions = role.permissions.filter(
      (grant: string | { permission: string }) =>
        !dropped.includes(typeof grant === 'string' ? grant : grant.permission),
    );
  }
  const path = join(mkdtempSync(join(tmpdir(), 'gh-catalog-')), 'catalog.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('a custom catalog (GATEHOUSE_CATALOG)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('that lacks a permission the service checks is refused at start, naming it', async () => {
    const path = catalogWithout('security_log.view');
    expect(loadCatalog(path).has('security_log.view')).toBe(false);
    await expect(buildApp(testConfig({ GATEHOUSE_CATALOG: path }), { database })).rejects.toThrow(
      /lacks the permission security_log\.view, which Gatehouse checks in its own routes/,
    );
  });

  it('names every missing one', async () => {
    const path = catalogWithout('users.edit', 'contacts.view', 'contacts.manage');
    await expect(buildApp(testConfig({ GATEHOUSE_CATALOG: path }), { database })).rejects.toThrow(
      /lacks the permissions users\.edit, contacts\.view, contacts\.manage,/,
    );
  });

  it('that has them all starts', async () => {
    const path = catalogWithout('refunds.authorise');
    const app = await buildApp(testConfig({ GATEHOUSE_CATALOG: path }), { database });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('the default catalog defines every permission the service checks', () => {
    const catalog = loadCatalog();
    expect(servicePermissions.filter((permission) => !catalog.has(permission))).toEqual([]);
  });
});

// Checked by tsc, never run: requirePermission takes only the permissions the service checks.
function _misspelt(access: AccountAccess) {
  // @ts-expect-error 'users.vew' is not a permission Gatehouse checks
  requirePermission(access, 'users.vew');
}
