import type { App } from '../../../src/app.js';
import type { AccountView } from '../../../src/accounts/service.js';
import { accountUrl, type Caller, send, type Wire } from './request.js';

export type Account = Wire<AccountView>;

export interface CreatedAccount {
  account: Account;
  ownerMemberId: string;
  invitation: { id: string; expiresAt: string; url: string };
}

/** POST /v1/accounts: the platform creates an account and invites its owner. */
export const createAccount = (
  app: App,
  caller: Caller,
  input: { name: string; ownerEmail: string; ownerName?: string },
) => send<CreatedAccount>(app, caller, 'POST', '/v1/accounts', input);

export const getAccount = (app: App, caller: Caller, accountId: string) =>
  send<Account>(app, caller, 'GET', accountUrl(accountId));

/** PATCH /v1/accounts/{id}: a rename, or security settings (step-up and `confirm: true`). */
export const updateAccount = (
  app: App,
  caller: Caller,
  accountId: string,
  change: { name?: string; settings?: Partial<Account['settings']>; confirm?: boolean },
) => send<Account>(app, caller, 'PATCH', accountUrl(accountId), change);
