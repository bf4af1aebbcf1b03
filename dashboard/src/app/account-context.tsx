import { createContext, useContext } from 'react';
import type { Membership } from '../api/session';

export interface AccountContextValue {
  membership: Membership;
  /** Effective permissions, polled (see usePermissions). */
  can: (permission: string) => boolean;
  isOwner: boolean;
}

export const AccountContext = createContext<AccountContextValue | null>(null);

/**
 * The account the page works in, and what the signed-in member may do there.
 *
 * @example
 * const { membership, can } = useAccount();
 * api.GET('/v1/accounts/{accountId}/members', { params: { path: { accountId: membership.accountId } } });
 */
export function useAccount(): AccountContextValue {
  const value = useContext(AccountContext);
  if (!value) throw new Error('useAccount() outside an account page');
  return value;
}
