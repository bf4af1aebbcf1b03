import type { App } from '../../../src/app.js';
import type { Grant } from '../../../src/catalog/catalog.js';
import type { ListQuery } from '../../../src/members/list.js';
import type { MemberUpdate } from '../../../src/members/service.js';
import type { MemberSummary, MemberView } from '../../../src/members/view.js';
import { accountUrl, type Caller, type Page, queryString, send } from './request.js';

export type Member = MemberView;
export type { MemberSummary };

const memberUrl = (accountId: string, memberId: string, path = '') =>
  accountUrl(accountId, `/members/${memberId}${path}`);

/** GET …/members: the users list. */
export const listMembers = (app: App, caller: Caller, accountId: string, query: ListQuery = {}) =>
  send<Page<MemberSummary>>(app, caller, 'GET', accountUrl(accountId, `/members${queryString(query)}`));

/** GET …/members/export: RFC 4180 CSV in `response.body`. */
export const exportMembers = (
  app: App,
  caller: Caller,
  accountId: string,
  query: Omit<ListQuery, 'limit' | 'cursor'> = {},
) => send<undefined>(app, caller, 'GET', accountUrl(accountId, `/members/export${queryString(query)}`));

export const getMember = (app: App, caller: Caller, accountId: string, memberId: string) =>
  send<Member>(app, caller, 'GET', memberUrl(accountId, memberId));

/** PATCH …/members/{id} (confirmed unless `confirm: false`). */
export const updateMember = (
  app: App,
  caller: Caller,
  accountId: string,
  memberId: string,
  change: MemberUpdate & Record<string, unknown>,
  confirm = true,
) => send<Member>(app, caller, 'PATCH', memberUrl(accountId, memberId), confirm ? { ...change, confirm } : change);

export type StatusAction = 'deactivate' | 'reactivate' | 'remove';

/** POST …/members/{id}/{deactivate|reactivate|remove} (confirmed unless `confirm: false`). */
export const changeMemberStatus = (
  app: App,
  caller: Caller,
  accountId: string,
  memberId: string,
  action: StatusAction,
  confirm = true,
) => send<Member>(app, caller, 'POST', memberUrl(accountId, memberId, `/${action}`), confirm ? { confirm } : {});

export const previewRoleChange = (app: App, caller: Caller, accountId: string, memberId: string, roleId: string) =>
  send<{ gained: Grant[]; lost: Grant[] }>(
    app,
    caller,
    'GET',
    memberUrl(accountId, memberId, `/role-change-preview${queryString({ roleId })}`),
  );

/** PUT (assign) or DELETE (unassign) …/members/{id}/resources/{type}/{externalId}, confirmed unless `confirm: false`. */
export const setResourceAssignment = (
  app: App,
  caller: Caller,
  accountId: string,
  memberId: string,
  resource: { type: string; id: string },
  assigned: boolean,
  confirm = true,
) =>
  send<Member>(
    app,
    caller,
    assigned ? 'PUT' : 'DELETE',
    memberUrl(accountId, memberId, `/resources/${resource.type}/${encodeURIComponent(resource.id)}`),
    confirm ? { confirm } : {},
  );

/** POST …/members/{id}/reset-two-factor (confirmed unless `confirm: false`). */
export const resetTwoFactor = (app: App, caller: Caller, accountId: string, memberId: string, confirm = true) =>
  send<Member>(app, caller, 'POST', memberUrl(accountId, memberId, '/reset-two-factor'), confirm ? { confirm } : {});

/** POST …/members/{id}/email-change (confirmed unless `confirm: false`): mails a link to the new address. */
export const requestMemberEmailChange = (
  app: App,
  caller: Caller,
  accountId: string,
  memberId: string,
  newEmail: string,
  confirm = true,
) =>
  send<{ newEmail: string; expiresAt: string }>(
    app,
    caller,
    'POST',
    memberUrl(accountId, memberId, '/email-change'),
    confirm ? { newEmail, confirm } : { newEmail },
  );
