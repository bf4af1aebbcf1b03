import { IconUsers } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';
import { memberFilters, membersListQuery, profilesQuery } from './queries';

export const screen: ScreenDefinition = {
  path: 'members/*',
  nav: { label: 'nav.members', icon: IconUsers, order: 10 },
  permission: 'users.view',
  Component: lazyScreen(() => import('./MembersPage')),
  prefetch: (queryClient, { accountId, rest, search }) => {
    if (rest !== '') return; // one member's page asks for that member
    void queryClient.prefetchQuery(membersListQuery(accountId, memberFilters(search), undefined));
    void queryClient.prefetchQuery(profilesQuery(accountId));
  },
};
