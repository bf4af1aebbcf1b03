import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';

export type Role =
  paths['/v1/accounts/{accountId}/roles']['get']['responses']['200']['content']['application/json']['items'][number];

export const rolesKey = (accountId: string) => ['roles', accountId] as const;

export function useRoles(accountId: string) {
  return useQuery({
    queryKey: rolesKey(accountId),
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/roles', { params: { path: { accountId } } })),
  });
}
