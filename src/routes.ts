import { registerAccountRoutes } from './accounts/routes.js';
import { registerApiKeyRoutes } from './api-keys/routes.js';
import { keySubject } from './api-keys/service.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerCatalogRoutes } from './catalog/routes.js';
import { registerCheckRoutes } from './checks/routes.js';
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
import type { TypedApp } from './http/typed-app.js';
import { registerMeRoutes } from './me/routes.js';
import { registerSessionRoutes } from './sessions/routes.js';

/** Every route of the service, in one place; each domain registers its own. */
export function registerRoutes(app: TypedApp, deps: AppDeps): void {
  registerHealthRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerProfileRoutes(app, deps);
  registerResourceRoutes(app, deps);
  registerRoleRoutes(app, deps);
  registerCheckRoutes(app, { ...deps, resolveApiKeySubject: (accountId, apiKeyId) => keySubject(deps, accountId, apiKeyId) });
  registerMemberRoutes(app, { ...deps, endSessions: (trx, userId) => revokeSessionsOfUser(trx, userId) });
  registerInvitationRoutes(app, deps);
  registerAcceptRoutes(app, deps);
  registerOwnershipRoutes(app, deps);
  registerContactRoutes(app, deps);
  registerApiKeyRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerDevMailboxRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerMeRoutes(app, deps);
  registerSessionRoutes(app, deps);
}
