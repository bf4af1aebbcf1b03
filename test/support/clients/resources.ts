import type { App } from '../../../src/app.js';
import type { ResourceView } from '../../../src/resources/service.js';
import { accountUrl, type Caller, type Page, queryString, send, type Wire } from './request.js';

export type Resource = Wire<ResourceView>;

export interface ResourceInput {
  name: string;
  profileId?: string | null;
  ownerMemberId?: string | null;
}

const resourceUrl = (accountId: string, type: string, externalId: string) =>
  accountUrl(accountId, `/resources/${type}/${encodeURIComponent(externalId)}`);

/** PUT …/resources/{type}/{id}: 201 when registered, 200 when updated (the platform's route). */
export const putResource = (
  app: App,
  caller: Caller,
  accountId: string,
  type: string,
  externalId: string,
  input: ResourceInput,
) => send<Resource>(app, caller, 'PUT', resourceUrl(accountId, type, externalId), input);

export const deleteResource = (app: App, caller: Caller, accountId: string, type: string, externalId: string) =>
  send<undefined>(app, caller, 'DELETE', resourceUrl(accountId, type, externalId));

export const listResources = (
  app: App,
  caller: Caller,
  accountId: string,
  query: { type?: string; profileId?: string; limit?: number; cursor?: string } = {},
) => send<Page<Resource>>(app, caller, 'GET', accountUrl(accountId, `/resources${queryString(query)}`));
