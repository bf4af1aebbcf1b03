import type { FastifyRequest } from 'fastify';
import { accessAccount, type AccountAccess } from '../access/guard.js';
import type { AppDeps } from '../app-deps.js';
import { requestContext } from './sensitive.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the caller's standing in the route's account is known (for refusal logging). */
    accountAccess: AccountAccess | null;
  }
}

/** The caller's standing in the account named by the route (404 for strangers). */
export async function accountAccess(deps: AppDeps, request: FastifyRequest, accountId: string): Promise<AccountAccess> {
  const actor = request.actor;
  const keyLimit = actor?.type === 'api_key' ? actor.limit : undefined;
  const access = await accessAccount(deps.access, actor, accountId, requestContext(request), keyLimit);
  request.accountAccess = access;
  return access;
}
