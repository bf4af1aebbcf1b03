import { type QueryClient, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, forgetSession, prefetchedFreshFor, rememberCsrfToken } from './client';
import { ApiProblem } from './problem';

type MeResponse = Awaited<ReturnType<typeof fetchMe>>;
export type Me = NonNullable<MeResponse>;
export type Membership = Me['memberships'][number];

/** You, or null when nobody is signed in (a pending sign-in counts as nobody). */
async function fetchMe() {
  try {
    const me = await data(api.GET('/v1/me'));
    rememberCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null;
    throw error;
  }
}

export const meQueryKey = ['me'] as const;

const meQuery = queryOptions({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 30_000 });

export function useMe() {
  return useQuery(meQuery);
}

/** Asks who you are before the first render (every page needs it): useMe() then joins that request. */
export function prefetchMe(queryClient: QueryClient): void {
  void queryClient.prefetchQuery(meQuery);
}

/** After sign-in, sign-out or an invitation: forget everything cached for the previous person. */
export function useResetSession() {
  const queryClient = useQueryClient();
  return async () => {
    forgetSession();
    queryClient.clear();
    await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: fetchMe });
  };
}

const rememberedAccountKey = 'gatehouse.account';

/** The account this browser last worked in (the account switcher remembers it). */
export function rememberedAccountId(): string | null {
  try {
    return localStorage.getItem(rememberedAccountKey);
  } catch {
    return null;
  }
}

export function rememberAccount(accountId: string): void {
  try {
    localStorage.setItem(rememberedAccountKey, accountId);
  } catch {
    // Private browsing without storage: the switcher still works, it just is not remembered.
  }
}

/** The memberships a person can work in: active ones (invited ones still need enrolment). */
export function usableMemberships(me: Me): Membership[] {
  return me.memberships.filter((membership) => membership.status === 'active');
}

/** The account to open: the remembered one if still usable, else the first. */
export function defaultAccount(me: Me): Membership | undefined {
  const usable = usableMemberships(me);
  return usable.find((membership) => membership.accountId === rememberedAccountId()) ?? usable[0];
}

/** The prefix of every account's permissions query. */
export const permissionsQueryKey = ['permissions'] as const;

/**
 * The signed-in member's effective permissions in an account, polled so that a change an
 * admin makes shows on the member's open page within seconds, without a reload.
 */
export function usePermissions(membership: Membership | undefined) {
  return useQuery({
    ...permissionsQuery(membership),
    enabled: membership !== undefined,
    refetchInterval: 5_000,
    refetchOnWindowFocus: true,
  });
}

function permissionsQuery(membership: Membership | undefined) {
  return queryOptions({
    queryKey: [...permissionsQueryKey, membership?.accountId, membership?.memberId],
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/members/{memberId}/permissions', {
          params: { path: { accountId: membership!.accountId, memberId: membership!.memberId } },
        }),
      ),
    staleTime: prefetchedFreshFor,
  });
}

/**
 * Asks for your permissions in the account a URL opens as soon as the session answers, instead
 * of once the signed-in frame has rendered: every account page waits for them.
 */
export async function prefetchPermissions(queryClient: QueryClient, accountId: string | undefined): Promise<void> {
  const me = await queryClient.ensureQueryData(meQuery);
  if (!me) return;
  const membership = accountId
    ? usableMemberships(me).find((candidate) => candidate.accountId === accountId)
    : defaultAccount(me);
  if (membership) await queryClient.prefetchQuery(permissionsQuery(membership));
}

/** Does the permission list allow `permission` (at any scope)? The owner holds everything. */
export function allows(
  permissions: { isOwner: boolean; permissions: { permission: string }[] } | undefined,
  permission: string,
): boolean {
  if (!permissions) return false;
  return permissions.isOwner || permissions.permissions.some((grant) => grant.permission === permission);
}
