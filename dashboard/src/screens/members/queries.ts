import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<P extends keyof paths, M extends 'get'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type MemberRow = Json<'/v1/accounts/{accountId}/members', 'get'>['items'][number];
export type Member = Json<'/v1/accounts/{accountId}/members/{memberId}', 'get'>;
export type Grant = { permission: string; scope: 'all' | 'own' };
export type Catalog = Json<'/v1/catalog', 'get'>;
export type MemberStatus = MemberRow['status'];

export const statusColor: Record<MemberStatus, string> = {
  active: 'green',
  invited: 'blue',
  inactive: 'gray',
  removed: 'red',
};

/** The permission catalog: modules, actions, which allow "own records", flags, resource types. */
export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: () => data(api.GET('/v1/catalog')), staleTime: Infinity });
}

export function useRoles(accountId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    ...options,
    queryKey: ['accounts', accountId, 'roles', 'all'],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/roles', { params: { path: { accountId } } })),
  });
}

export function useProfiles(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'profiles', 'all'],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/profiles', { params: { path: { accountId } } })),
  });
}

export function useResources(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'resources', 'all'],
    queryFn: () =>
      data(api.GET('/v1/accounts/{accountId}/resources', { params: { path: { accountId }, query: { limit: 100 } } })),
  });
}

/** "payments.refund" → "Payments: Refund", from the catalog's names. */
export function permissionLabel(catalog: Catalog | undefined, permission: string): string {
  for (const module of catalog?.modules ?? []) {
    const action = module.actions.find((candidate) => candidate.permission === permission);
    if (action) return `${module.name}: ${action.name}`;
  }
  return permission;
}
