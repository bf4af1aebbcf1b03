import { afterAll, beforeEach } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { signUpAndSignIn, stepUp, type TestSession, type TestUser } from './users.js';

export interface OwnerAccount {
  t: TestApp;
  /** Signed in, with a fresh step-up before every test (refreshed in place). */
  owner: TestUser & TestSession;
  accountId: string;
  /** `/v1/accounts/{accountId}` + path. */
  url: (path: string) => string;
}

/**
 * The setup most account tests share, for a test file's top level: one app, an account
 * "Acme" whose owner is signed in and stepped up before each test, closed after the file.
 *
 * @example
 * const { t, owner, accountId, url } = await ownerAccount();
 */
export async function ownerAccount(options: Parameters<typeof createTestApp>[0] = {}): Promise<OwnerAccount> {
  const t = await createTestApp(options);
  afterAll(() => t.close());
  const owner = await signUpAndSignIn(t.app, { account: { name: 'Acme' } });
  const accountId = owner.accountId!;
  beforeEach(async () => {
    // In place, so that the file's `owner` stays the live session.
    Object.assign(owner, await stepUp(t.app, owner));
  });
  return { t, owner, accountId, url: (path) => `/v1/accounts/${accountId}${path}` };
}
