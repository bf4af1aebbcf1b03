import type { Static } from 'typebox';
import type { App } from '../../../src/app.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import type { CheckBatchBody, CheckBody, CheckResultSchema } from '../../../src/checks/routes.js';
import { accountUrl, type Caller, send } from './request.js';

export type Check = Static<typeof CheckBody>;
export type CheckBatch = Static<typeof CheckBatchBody>;
export type Decision = Static<typeof CheckResultSchema>;

/** POST /v1/authz/check: one decision (the platform token or an API key). */
export const check = (app: App, caller: Caller, body: Check) =>
  send<Decision>(app, caller, 'POST', '/v1/authz/check', body);

/** POST /v1/authz/check-batch: up to 1,000 decisions, in order. */
export const checkBatch = (app: App, caller: Caller, body: CheckBatch) =>
  send<{ results: Decision[] }>(app, caller, 'POST', '/v1/authz/check-batch', body);

export interface EffectivePermissions {
  memberId: string;
  status: string;
  isOwner: boolean;
  permissions: Grant[];
  profileIds: string[] | null;
  resourceScope: Record<string, string[]>;
}

/** GET …/members/{id}/permissions: a member's effective permissions with their scopes. */
export const memberPermissions = (app: App, caller: Caller, accountId: string, memberId: string) =>
  send<EffectivePermissions>(app, caller, 'GET', accountUrl(accountId, `/members/${memberId}/permissions`));
