import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { type App, buildApp } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, engine, type TestDatabase } from '../../support/database.js';
import { activateOwner, addMember, createAccount, platformHeaders } from '../../support/fixtures.js';

type RawText = { kind: string; sqlFragments?: readonly string[]; parameters?: readonly RawText[] };

/** A raw statement's text, with nested fragments (`${selectAccess} where …`) spelled out. */
function rawText(node: RawText): string {
  if (!node.sqlFragments) return node.kind === 'ValueNode' ? '?' : node.kind;
  return node.sqlFragments
    .map((fragment, i) => fragment + (node.parameters?.[i] ? rawText(node.parameters[i]) : ''))
    .join('');
}

/** Every statement an app sends, by its SQL text where it is raw SQL (all of the authorization path is). */
function queryLog() {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      statements.push(rawText(node));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { statements, plugin };
}

/** Statements an authorization check could send (the mail worker and other timers send their own meanwhile). */
const authorizationReads = (statements: string[]) =>
  statements.filter((text) => /\b(resources|members|roles|accounts|api_keys|users)\b/.test(text));

let database: TestDatabase;
let log: ReturnType<typeof queryLog>;
let app: App;
let accountId: string;

async function newApp(db = database, env: Record<string, string> = {}, plugin?: KyselyPlugin): Promise<App> {
  const instance = await buildApp(testConfig(env), { database: plugin ? { ...db, db: db.db.withPlugin(plugin) } : db });
  await instance.ready();
  return instance;
}

async function decide(on: App, body: Record<string, unknown>) {
  const res = await on.inject({ method: 'POST', url: '/v1/authz/check', headers: platformHeaders, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ allowed: boolean; reason: string; scope?: string }>();
}

async function profile(on: App, name: string) {
  return (
    await on.inject({
      method: 'POST',
      url: `/v1/accounts/${accountId}/profiles`,
      headers: platformHeaders,
      payload: { name },
    })
  ).json<{ id: string }>().id;
}

async function register(
  on: App,
  id: string,
  body: { profileId?: string | null; ownerMemberId?: string | null },
  account = accountId,
) {
  const res = await on.inject({
    method: 'PUT',
    url: `/v1/accounts/${account}/resources/product/${id}`,
    headers: platformHeaders,
    payload: { name: id, ...body },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

beforeAll(async () => {
  database = await createTestDatabase();
  log = queryLog();
  app = await newApp(database, {}, log.plugin);
  ({ accountId } = await createAccount(app, 'Acme'));
  await activateOwner(app, accountId);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('authorization checks from memory', () => {
  it('a check naming a resource, registered or not, makes no database query once the member and account are loaded', async () => {
    const [storeA, storeB] = [await profile(app, 'Store A'), await profile(app, 'Store B')];
    const scoped = await addMember(app, accountId, { builtinRole: 'administrator', profileIds: [storeA] });
    const ownOnly = await addMember(app, accountId, { permissions: [{ permission: 'orders.edit', scope: 'own' }] });
    await register(app, 'p-a', { profileId: storeA });
    await register(app, 'p-b', { profileId: storeB });
    await register(app, 'p-own', { ownerMemberId: ownOnly.memberId });
    const product = (id: string, extra: Record<string, unknown> = {}) => ({ type: 'product', id, ...extra });
    const scopedAsk = (resource: Record<string, unknown>) => ({
      accountId,
      subject: { memberId: scoped.memberId },
      permission: 'products.view',
      resource,
    });
    const ownAsk = (resource: Record<string, unknown>) => ({
      accountId,
      subject: { memberId: ownOnly.memberId },
      permission: 'orders.edit',
      resource,
    });
    // Warm-up: each member compiled, the account's resources loaded.
    await decide(app, scopedAsk(product('p-a')));
    await decide(app, ownAsk(product('p-own')));

    log.statements.length = 0;
    expect(await decide(app, scopedAsk(product('p-a')))).toEqual({ allowed: true, reason: 'granted', scope: 'all' });
    expect(await decide(app, scopedAsk(product('p-b')))).toEqual({ allowed: false, reason: 'profile_out_of_scope' });
    // Never registered: known from memory to be unregistered, taken as the caller describes it.
    expect(await decide(app, scopedAsk(product('p-never')))).toMatchObject({ allowed: true });
    expect(await decide(app, scopedAsk(product('p-never', { profileId: storeB })))).toEqual({
      allowed: false,
      reason: 'profile_out_of_scope',
    });
    expect(await decide(app, scopedAsk(product('p-never', { profileId: storeA })))).toMatchObject({ allowed: true });
    // A caller contradicting a registered resource loses: the registered profile and owner win.
    expect(await decide(app, scopedAsk(product('p-b', { profileId: storeA })))).toEqual({
      allowed: false,
      reason: 'profile_out_of_scope',
    });
    expect(await decide(app, scopedAsk(product('p-a', { profileId: storeB })))).toMatchObject({ allowed: true });
    expect(await decide(app, ownAsk(product('p-own')))).toEqual({ allowed: true, reason: 'granted', scope: 'own' });
    expect(await decide(app, ownAsk(product('p-own', { ownerMemberId: scoped.memberId })))).toEqual({
      allowed: true,
      reason: 'granted',
      scope: 'own',
    });
    expect(await decide(app, ownAsk(product('p-a', { ownerMemberId: ownOnly.memberId })))).toEqual({
      allowed: false,
      reason: 'not_resource_owner',
    });
    expect(await decide(app, ownAsk(product('p-never', { ownerMemberId: ownOnly.memberId })))).toMatchObject({
      allowed: true,
      scope: 'own',
    });
    expect(await decide(app, ownAsk(product('p-never')))).toEqual({ allowed: false, reason: 'not_resource_owner' });
    const batch = await app.inject({
      method: 'POST',
      url: '/v1/authz/check-batch',
      headers: platformHeaders,
      payload: {
        accountId,
        subject: { memberId: scoped.memberId },
        checks: ['p-a', 'p-b', 'p-never', 'p-own'].map((id) => ({
          permission: 'products.view',
          resource: product(id),
        })),
      },
    });
    expect(batch.json<{ results: { reason: string }[] }>().results.map((result) => result.reason)).toEqual([
      'granted',
      'profile_out_of_scope',
      'granted',
      'granted',
    ]);
    expect(authorizationReads(log.statements)).toEqual([]);
  });

  it('loads a cold account’s members in one query, then answers the others from memory', async () => {
    const members = [];
    for (let i = 0; i < 12; i++)
      members.push(await addMember(app, accountId, { builtinRole: i % 2 ? 'administrator' : 'view_only' }));
    const fresh = await newApp(database, {}, log.plugin);
    try {
      log.statements.length = 0;
      expect(
        (await decide(fresh, { accountId, subject: { memberId: members[0].memberId }, permission: 'payments.view' }))
          .allowed,
      ).toBe(true);
      expect(fresh.deps.access.memberAccountLoads).toBe(1);
      const afterFirst = authorizationReads(log.statements).length;
      expect(afterFirst).toBeGreaterThan(0); // the log does see the load
      for (const member of members.slice(1))
        expect(
          (await decide(fresh, { accountId, subject: { memberId: member.memberId }, permission: 'payments.view' }))
            .allowed,
        ).toBe(true);
      expect(authorizationReads(log.statements).length).toBe(afterFirst);
      expect(fresh.deps.access.memberAccountLoads).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('sees a resource registered, moved or deleted on another instance at its very next check', async () => {
    const [storeA, storeB] = [await profile(app, 'Store C'), await profile(app, 'Store D')];
    const scoped = await addMember(app, accountId, { builtinRole: 'administrator', profileIds: [storeA] });
    const second = engine === 'postgres' ? await openDatabase({ databaseUrl: database.url, poolSize: 2 }) : database;
    const other = await newApp(second as TestDatabase);
    try {
      const ask = async () =>
        (
          await decide(other, {
            accountId,
            subject: { memberId: scoped.memberId },
            permission: 'products.view',
            resource: { type: 'product', id: 'p-moving' },
          })
        ).reason;
      expect(await ask()).toBe('granted'); // not registered: no profile; the account's index is now in memory there
      const loadsBefore = other.deps.access.resources.accountLoads;
      for (const [profileId, expected] of [
        [storeB, 'profile_out_of_scope'],
        [storeA, 'granted'],
        [storeB, 'profile_out_of_scope'],
      ] as const) {
        await register(app, 'p-moving', { profileId });
        expect(await ask()).toBe(expected);
      }
      const removed = await app.inject({
        method: 'DELETE',
        url: `/v1/accounts/${accountId}/resources/product/p-moving`,
        headers: platformHeaders,
      });
      expect(removed.statusCode).toBe(204);
      expect(await ask()).toBe('granted');
      // Each change re-read the one resource; the account was not loaded again.
      expect(other.deps.access.resources.accountLoads).toBe(loadsBefore);
    } finally {
      await other.close();
      if (second !== database) await second.close();
    }
  });

  it('holds at most the configured budget of resources, dropping the least recently used account, and stays right beyond it', async () => {
    const small = await newApp(database, { AUTHZ_RESOURCE_BUDGET: '3' });
    try {
      const { accountId: secondAccount } = await createAccount(small, 'Globex');
      const storeX = await profile(small, 'Store X');
      const scopedHere = await addMember(small, accountId, { builtinRole: 'administrator', profileIds: [storeX] });
      const { resources } = small.deps.access;
      await register(small, 'p-extra', {});
      // The first account has more registered resources than the whole budget: never held.
      expect(
        (
          await decide(small, {
            accountId,
            subject: { memberId: scopedHere.memberId },
            permission: 'products.view',
            resource: { type: 'product', id: 'p-b' },
          })
        ).reason,
      ).toBe('profile_out_of_scope');
      expect(resources.size).toBe(0);
      const otherScoped = await addMember(small, secondAccount, {
        builtinRole: 'administrator',
        profileIds: ['prf_none'],
      });
      const thirdAccount = (await createAccount(small, 'Initech')).accountId;
      const thirdScoped = await addMember(small, thirdAccount, {
        builtinRole: 'administrator',
        profileIds: ['prf_none'],
      });
      await register(small, 'g-1', {}, secondAccount);
      await register(small, 'g-2', {}, secondAccount);
      await register(small, 'i-1', {}, thirdAccount);
      await register(small, 'i-2', {}, thirdAccount);
      const askIn = async (account: string, memberId: string, id: string) =>
        (
          await decide(small, {
            accountId: account,
            subject: { memberId },
            permission: 'products.view',
            resource: { type: 'product', id },
          })
        ).reason;
      expect(await askIn(secondAccount, otherScoped.memberId, 'g-1')).toBe('granted');
      expect([resources.accountCount, resources.size]).toEqual([1, 2]);
      expect(await askIn(thirdAccount, thirdScoped.memberId, 'i-1')).toBe('granted');
      // 2 + 2 > 3: the second account (least recently used) made room.
      expect([resources.accountCount, resources.size]).toEqual([1, 2]);
      expect(resources.lookup(secondAccount, 'product', 'g-1')).toBeUndefined();
      expect(resources.lookup(thirdAccount, 'product', 'i-2')).toEqual({ profileId: null, ownerMemberId: null });
      const loads = resources.accountLoads;
      expect(await askIn(secondAccount, otherScoped.memberId, 'g-2')).toBe('granted');
      expect(resources.accountLoads).toBe(loads + 1);
    } finally {
      await small.close();
    }
  });
});
