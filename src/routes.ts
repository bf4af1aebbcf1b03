import { registerAccountRoutes, registerAccountScopedRoutes } from './accounts/routes.js';
import { registerApiKeyRoutes } from './api-keys/routes.js';
import { keySubject } from './api-keys/service.js';
import { registerAuditRoutes, registerMySecurityEventRoutes } from './audit/routes.js';
import { registerCatalogRoutes } from './catalog/routes.js';
import { registerCheckRoutes, registerPermissionRoutes } from './checks/routes.js';
import { registerContactRoutes } from './contacts/routes.js';
import { registerHealthRoutes } from './health/routes.js';
import { registerAcceptRoutes } from './invitations/accept-routes.js';
import { registerInvitationRoutes } from './invitations/routes.js';
import { registerDevMailboxRoutes } from './mail/routes.js';
import { registerMemberRoutes } from './members/routes.js';
import { registerOwnershipRoutes } from './ownership/routes.js';
import { registerProfileRoutes } from './profiles/routes.js';
import { registerResourceRoutes } from './resources/routes.js';
import { registerRoleRoutes } from './roles/routes.js';
import { revokeSessionsOfUser } from './sessions/service.js';
import type { AppDeps } from './app-deps.js';
import { registerAuthRoutes } from './auth/routes.js';
import { registerAccountScope } from './http/account-scope.js';
import type { TypedApp } from './http/typed-app.js';
import { registerMeRoutes } from './me/routes.js';
import { registerSessionRoutes } from './sessions/routes.js';

/**
 * Every route of the service, in one place; each domain registers its own. Everything under
 * `/v1/accounts/:accountId` goes inside the account scope, which resolves the caller's
 * access to that account once per request (http/account-scope.ts).
 */
export function registerRoutes(app: TypedApp, deps: AppDeps): void {
  const checks = {
    ...deps,
    resolveApiKeySubject: (accountId: string, apiKeyId: string) => keySubject(deps, accountId, apiKeyId),
  };
  registerAccountScope(app, deps, (scope) => {
    registerAccountScopedRoutes(scope, deps);
    registerProfileRoutes(scope, deps);
    registerResourceRoutes(scope, deps);
    registerRoleRoutes(scope, deps);
    registerPermissionRoutes(scope, checks);
    registerMemberRoutes(scope, { ...deps, endSessions: (trx, userId) => revokeSessionsOfUser(trx, userId) });
    registerInvitationRoutes(scope, deps);
    registerOwnershipRoutes(scope, deps);
    registerContactRoutes(scope, deps);
    registerApiKeyRoutes(scope, deps);
    registerAuditRoutes(scope, deps);
  });
  registerHealthRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerCheckRoutes(app, checks);
  registerAcceptRoutes(app, deps);
  registerMySecurityEventRoutes(app, deps);
  registerDevMailboxRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerMeRoutes(app, deps);
  registerSessionRoutes(app, deps);
}
