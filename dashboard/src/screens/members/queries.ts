import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, data, prefetchedFreshFor } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<P extends keyof paths, M extends 'get'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type MemberRow = Json<'/v1/accounts/{accountId}/members', 'get'>['items'][number];
export type Member = Json<'/v1/accounts/{accountId}/members/{memberId}', 'get'>;
export type MemberStatus = MemberRow['status'];

export const statusColor: Record<MemberStatus, string> = {
  active: 'green',
  invited: 'blue',
  inactive: 'gray',
  removed: 'red',
};

export function useRoles(accountId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    ...options,
    queryKey: ['accounts', accountId, 'roles', 'all'],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/roles', { params: { path: { accountId } } })),
  });
}

export function profilesQuery(accountId: string) {
  return queryOptions({
    queryKey: ['accounts', accountId, 'profiles', 'all'],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/profiles', { params: { path: { accountId } } })),
    staleTime: prefetchedFreshFor,
  });
}

export function useProfiles(accountId: string) {
  return useQuery(profilesQuery(accountId));
}

export const MEMBERS_PAGE_SIZE = 50;

/** The members list's search, filters and sort, as the URL holds them (a filtered list can be bookmarked). */
export function memberFilters(params: URLSearchParams) {
  return {
    q: params.get('q') || undefined,
    status: (params.get('status') || undefined) as MemberStatus | undefined,
    roleId: params.get('roleId') || undefined,
    profileId: params.get('profileId') || undefined,
    sort: params.get('sort') || 'name',
  };
}

export type MemberFilters = ReturnType<typeof memberFilters>;

/** One page of the members list; `cursor` is the API's keyset cursor (undefined: the first page). */
export function membersListQuery(accountId: string, filters: MemberFilters, cursor: string | undefined) {
  return queryOptions({
    queryKey: ['accounts', accountId, 'members', filters, cursor],
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/members', {
          params: { path: { accountId }, query: { ...filters, cursor, limit: MEMBERS_PAGE_SIZE } },
        }),
      ),
    staleTime: prefetchedFreshFor,
  });
}

/** Enough for any picker a person scrolls through; past this a picker would need a search of its own. */
const maxResourcePages = 20;

/**
 * Every registered resource (up to 2,000), for the resource pickers. Follows the cursor: a
 * page can be short, even empty, with more behind it (the API bounds the rows it reads for
 * one page when the reader's scope hides many).
 */
export function useResources(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'resources', 'all'],
    queryFn: async () => {
      const get = (cursor: string | undefined) =>
        data(
          api.GET('/v1/accounts/{accountId}/resources', {
            params: { path: { accountId }, query: { limit: 100, cursor } },
          }),
        );
      let page = await get(undefined);
      const items = [...page.items];
      for (let pages = 1; page.nextCursor && pages < maxResourcePages; pages++) {
        page = await get(page.nextCursor);
        items.push(...page.items);
      }
      return { items };
    },
  });
}
