import type { FastifyRequest } from 'fastify';
import { accessAccount, type AccountAccess } from '../access/guard.js';
import type { AppDeps } from '../app-deps.js';
import { requestContext } from './sensitive.js';
import type { TypedApp } from './typed-app.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the caller's standing in the route's account is known (for refusal logging). */
    accountAccess: AccountAccess | null;
  }
}

/** `/v1/accounts/:accountId` and everything below it. */
const accountRoute = /^\/v1\/accounts\/:accountId(\/|$)/;

/**
 * Registers every `/v1/accounts/:accountId/*` route inside one plugin whose `preHandler` hook
 * resolves the caller's standing in that account once (404 `account.not_found` for strangers,
 * exactly as for an account that does not exist). It runs after validation and after a route's
 * own `preValidation` gate (step-up), so those answer first; handlers take the result with
 * {@link accessOf}.
 *
 * A route of that shape registered anywhere else makes the app refuse to start: its handler
 * would find no access, and no tenant check would stand between the caller and the account.
 */
export function registerAccountScope(app: TypedApp, deps: AppDeps, routes: (scope: TypedApp) => void): void {
  const inScope = new Set<string>();
  const everywhere: string[] = [];
  app.addHook('onRoute', (route) => {
    if (accountRoute.test(route.url)) everywhere.push(`${String(route.method)} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    const outside = everywhere.filter((route) => !inScope.has(route));
    if (outside.length > 0)
      throw new Error(
        `Account routes registered outside the account scope (http/account-scope.ts): ${outside.join(', ')}`,
      );
  });
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      if (!accountRoute.test(route.url))
        throw new Error(`${route.url} is not an account route; register it outside the account scope`);
      inScope.add(`${String(route.method)} ${route.url}`);
    });
    scope.addHook('preHandler', async (request) => {
      const { accountId } = request.params as { accountId: string };
      const actor = request.actor;
      const keyLimit = actor?.type === 'api_key' ? actor.limit : undefined;
      request.accountAccess = await accessAccount(deps.access, actor, accountId, requestContext(request), keyLimit);
    });
    routes(scope);
  });
}

/** The caller's standing in the route's account, as the account scope resolved it. */
export function accessOf(request: FastifyRequest): AccountAccess {
  if (!request.accountAccess)
    throw new Error(`${request.routeOptions.url ?? request.url} is not registered inside the account scope`);
  return request.accountAccess;
}
