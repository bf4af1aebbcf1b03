import type { App } from '../../../src/app.js';
import type { EventView } from '../../../src/audit/query.js';
import { accountUrl, type Caller, type Page, queryString, send, type Wire } from './request.js';

export type SecurityEvent = Wire<EventView>;

export interface EventQuery {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** GET …/security-events: the account's security log, newest first. */
export const securityEvents = (app: App, caller: Caller, accountId: string, query: EventQuery = {}) =>
  send<Page<SecurityEvent>>(app, caller, 'GET', accountUrl(accountId, `/security-events${queryString(query)}`));

/** GET …/security-events/export: the body is CSV or NDJSON text (`response.body`). */
export const exportSecurityEvents = (
  app: App,
  caller: Caller,
  accountId: string,
  query: Omit<EventQuery, 'limit' | 'cursor'> & { format?: 'csv' | 'ndjson' } = {},
) => send<undefined>(app, caller, 'GET', accountUrl(accountId, `/security-events/export${queryString(query)}`));

/** GET /v1/me/security-events: the caller's own events across their accounts. */
export const mySecurityEvents = (app: App, caller: Caller, query: { limit?: number; cursor?: string } = {}) =>
  send<Page<SecurityEvent>>(app, caller, 'GET', `/v1/me/security-events${queryString(query)}`);
