import type { App } from '../../../src/app.js';
import type { InviteInput } from '../../../src/invitations/service.js';
import type { InvitationView } from '../../../src/invitations/view.js';
import { accountUrl, anonymous, type Caller, type Page, queryString, send, type Wire } from './request.js';

export type Invitation = Wire<InvitationView>;
export type { InviteInput };

export interface InvitationLookup {
  accountName: string;
  inviterName: string;
  email: string;
  name: string;
  roleName: string;
  expiresAt: string;
  existingUser: boolean;
}

export interface Acceptance {
  accountId: string;
  memberId: string;
  status: 'active' | 'invited';
  next: 'enrol_totp' | 'done';
  csrfToken?: string;
}

const invitationsUrl = (accountId: string, path = '') => accountUrl(accountId, `/invitations${path}`);

export const invite = (app: App, caller: Caller, accountId: string, input: InviteInput & Record<string, unknown>) =>
  send<Invitation>(app, caller, 'POST', invitationsUrl(accountId), input);

/** POST …/invitations/bulk with a CSV body (email,role[,profiles][,name]). */
export const inviteFromCsv = (app: App, caller: Caller, accountId: string, csv: string) =>
  send<Page<Invitation>>(
    app,
    { headers: { ...caller.headers, 'content-type': 'text/csv' } },
    'POST',
    invitationsUrl(accountId, '/bulk'),
    csv,
  );

export const listInvitations = (
  app: App,
  caller: Caller,
  accountId: string,
  query: { status?: Invitation['status']; limit?: number; cursor?: string } = {},
) => send<Page<Invitation>>(app, caller, 'GET', invitationsUrl(accountId, queryString(query)));

export const resendInvitation = (app: App, caller: Caller, accountId: string, invitationId: string) =>
  send<Invitation>(app, caller, 'POST', invitationsUrl(accountId, `/${invitationId}/resend`));

export const revokeInvitation = (app: App, caller: Caller, accountId: string, invitationId: string) =>
  send<undefined>(app, caller, 'DELETE', invitationsUrl(accountId, `/${invitationId}`));

/** POST /v1/invitations/lookup: what the link offers, for whoever holds the token. */
export const lookupInvitation = (app: App, token: string) =>
  send<InvitationLookup>(app, anonymous, 'POST', '/v1/invitations/lookup', { token });

/** POST /v1/invitations/accept: `{ token, name, password }` as a new user, or `{ token }` signed in as `caller`. */
export const acceptInvitation = (
  app: App,
  body: { token: string; name?: string; password?: string } & Record<string, unknown>,
  caller: Caller = anonymous,
) => send<Acceptance>(app, caller, 'POST', '/v1/invitations/accept', body);
