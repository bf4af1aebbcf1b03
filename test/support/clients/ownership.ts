import type { App } from '../../../src/app.js';
import type { TransferView } from '../../../src/ownership/service.js';
import { accountUrl, type Caller, send, type Wire } from './request.js';

export type Transfer = Wire<TransferView>;

const transferUrl = (accountId: string, path = '') => accountUrl(accountId, `/ownership-transfer${path}`);

/** The owner offers ownership to `memberId` (confirmed unless `confirm: false`). */
export const offerOwnership = (app: App, caller: Caller, accountId: string, memberId: string, confirm = true) =>
  send<Transfer>(app, caller, 'POST', transferUrl(accountId), confirm ? { memberId, confirm } : { memberId });

export const pendingTransfer = (app: App, caller: Caller, accountId: string) =>
  send<{ transfer: Transfer | null }>(app, caller, 'GET', transferUrl(accountId));

export const cancelOwnershipOffer = (app: App, caller: Caller, accountId: string) =>
  send<undefined>(app, caller, 'DELETE', transferUrl(accountId));

/** The offered member accepts (confirmed unless `confirm: false`). */
export const acceptOwnership = (app: App, caller: Caller, accountId: string, confirm = true) =>
  send<Transfer>(app, caller, 'POST', transferUrl(accountId, '/accept'), confirm ? { confirm } : {});
