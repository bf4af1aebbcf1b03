import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { usePermissions, type Membership } from '../../api/session';
import { useCatalog } from '../../permissions/catalog';

/**
 * Everything the invite form offers, narrowed to what the inviter may grant (PRODUCT rule 2:
 * no escalation is shown, not just enforced): the catalog, assignable roles, profiles,
 * resources, and the inviter's own permissions.
 */
export function useInviteOptions(membership: Membership) {
  const accountId = membership.accountId;
  const path = { accountId };
  const catalog = useCatalog();
  const roles = useQuery({
    queryKey: ['roles', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/roles', { params: { path } })),
  });
  const profiles = useQuery({
    queryKey: ['profiles', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/profiles', { params: { path } })),
  });
  const resources = useQuery({
    queryKey: ['resources', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/resources', { params: { path, query: { limit: 200 } } })),
  });
  const permissions = usePermissions(membership);
  const queries = [catalog, roles, profiles, resources, permissions];
  const error = queries.find((query) => query.error)?.error;
  const loading = queries.some((query) => query.isPending);
  return {
    catalog: catalog.data,
    roles: roles.data?.items,
    profiles: profiles.data?.items,
    resources: resources.data?.items,
    permissions: permissions.data,
    error,
    loading,
    refetch: () => queries.forEach((query) => void query.refetch()),
  };
}
