import type { App } from '../../../src/app.js';
import type { BuiltinRole, CatalogAction, CatalogModule, Grant, ResourceType } from '../../../src/catalog/catalog.js';
import { type Caller, send } from './request.js';

/** GET /v1/catalog, as the dashboard's role editor reads it. */
export interface CatalogDocument {
  modules: (Omit<CatalogModule, 'actions'> & { actions: (CatalogAction & { permission: string })[] })[];
  resourceTypes: ResourceType[];
  flags: { key: string; name: string; default: boolean }[];
  builtinRoles: (Omit<BuiltinRole, 'grants'> & { id: string; permissions: Grant[] })[];
}

export const getCatalog = (app: App, caller: Caller) => send<CatalogDocument>(app, caller, 'GET', '/v1/catalog');
