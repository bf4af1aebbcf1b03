import type { App } from '../../../src/app.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import type { RoleView } from '../../../src/roles/service.js';
import { accountUrl, type Caller, type Page, queryString, send } from './request.js';

export type Role = RoleView;

export interface RoleInput {
  name: string;
  description?: string;
  permissions: Grant[];
}

const roleUrl = (accountId: string, roleId: string) => accountUrl(accountId, `/roles/${roleId}`);

export const listRoles = (app: App, caller: Caller, accountId: string) =>
  send<Page<Role>>(app, caller, 'GET', accountUrl(accountId, '/roles'));

export const createRole = (app: App, caller: Caller, accountId: string, input: RoleInput) =>
  send<Role>(app, caller, 'POST', accountUrl(accountId, '/roles'), input);

export const getRole = (app: App, caller: Caller, accountId: string, roleId: string) =>
  send<Role>(app, caller, 'GET', roleUrl(accountId, roleId));

/** PATCH …/roles/{id}: a change of permissions needs step-up and `confirm: true`. */
export const updateRole = (
  app: App,
  caller: Caller,
  accountId: string,
  roleId: string,
  change: Partial<RoleInput> & { confirm?: boolean },
) => send<Role>(app, caller, 'PATCH', roleUrl(accountId, roleId), change);

/** DELETE …/roles/{id} (confirmed), moving its members to `reassignTo` when given. */
export const deleteRole = (app: App, caller: Caller, accountId: string, roleId: string, reassignTo?: string) =>
  send<undefined>(app, caller, 'DELETE', `${roleUrl(accountId, roleId)}${queryString({ reassignTo })}`, {
    confirm: true,
  });
