import type { Cookie, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { TestUser } from '../../support/users.js';
import { openPage, signInThroughPage } from './browser.js';
import type { BrowserGatehouse } from './use-gatehouse.js';

/** One person's dashboard session, signed in once for a whole file. */
export interface SignedInSession {
  /** The session's cookies; after each test, the ones its page ended with. */
  cookies: Cookie[];
  /** A new page (browser profile) that carries the session's cookies. */
  open(): Promise<Page>;
}

/** A session whose every test gets its own page in it. */
export interface SignedInPage extends SignedInSession {
  /** The running test's page (support/browser.ts closes it after the test). */
  page: Page;
}

/**
 * Signs `person()` in through the sign-in page once, before the file's tests. Call it after
 * useGatehouse() and after the file's own beforeAll that creates the person: hooks run in the
 * order they are registered.
 */
export function useSignedInSession(g: BrowserGatehouse, person: () => TestUser): SignedInSession {
  const session: SignedInSession = {
    cookies: [],
    async open() {
      const page = await openPage(g);
      await page.context().addCookies(session.cookies);
      return page;
    },
  };
  beforeAll(async () => {
    const signIn = await openPage(g);
    await signInThroughPage(signIn, g, person());
    session.cookies = await signIn.context().cookies();
  });
  return session;
}

/**
 * useSignedInSession() with a fresh page in the session for each test. A step-up renews the
 * session cookie, so the cookies the page ends with are the ones the next test carries.
 */
export function useSignedInPage(g: BrowserGatehouse, person: () => TestUser): SignedInPage {
  const session = useSignedInSession(g, person) as SignedInPage;
  beforeEach(async () => {
    session.page = await session.open();
  });
  // Registered after support/browser.ts's afterEach, so it runs before that one closes the page.
  afterEach(async () => {
    if (!session.page.isClosed()) session.cookies = await session.page.context().cookies();
  });
  return session;
}
