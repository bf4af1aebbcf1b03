import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { usePermissions, type Membership } from '../../api/session';

export type Grant = { permission: string; scope: 'all' | 'own' };

/**
 * Everything the invite form offers, narrowed to what the inviter may grant (PRODUCT rule 2:
 * no escalation is shown, not just enforced): the catalog, assignable roles, profiles,
 * resources, and the inviter's own permissions.
 */
export function useInviteOptions(membership: Membership) {
  const accountId = membership.accountId;
  const path = { accountId };
  const catalog = useQuery({ queryKey: ['catalog'], queryFn: () => data(api.GET('/v1/catalog')), staleTime: 300_000 });
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

type Permissions = NonNullable<ReturnType<typeof useInviteOptions>['permissions']>;

/** The widest scope the inviter holds a permission at: what they may hand on. Owner-only permissions are never granted. */
export function grantableScope(permissions: Permissions, permission: string, ownerOnly: boolean): 'all' | 'own' | null {
  if (ownerOnly) return null;
  if (permissions.isOwner) return 'all';
  const held = permissions.permissions.filter((grant) => grant.permission === permission);
  if (held.some((grant) => grant.scope === 'all')) return 'all';
  return held.length > 0 ? 'own' : null;
}
