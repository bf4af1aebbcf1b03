import type { App } from '../../../src/app.js';
import type { ApiKeyView } from '../../../src/api-keys/service.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import { accountUrl, type Caller, type Page, queryString, send, type Wire } from './request.js';

export type ApiKey = Wire<ApiKeyView>;

export interface NewApiKey {
  name?: string;
  expiresAt?: string;
  permissions?: Grant[];
  confirm?: boolean;
}

/** POST …/api-keys (named "CI" and confirmed unless the input says otherwise). */
export const createApiKey = (app: App, caller: Caller, accountId: string, input: NewApiKey = {}) =>
  send<ApiKey & { key: string }>(app, caller, 'POST', accountUrl(accountId, '/api-keys'), {
    name: 'CI',
    confirm: true,
    ...input,
  });

export const listApiKeys = (app: App, caller: Caller, accountId: string, query: { memberId?: string } = {}) =>
  send<Page<ApiKey>>(app, caller, 'GET', accountUrl(accountId, `/api-keys${queryString(query)}`));

export const revokeApiKey = (app: App, caller: Caller, accountId: string, keyId: string) =>
  send<undefined>(app, caller, 'DELETE', accountUrl(accountId, `/api-keys/${keyId}`));
