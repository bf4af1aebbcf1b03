import { IconUsers } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'members/*',
  nav: { label: 'nav.members', icon: IconUsers, order: 10 },
  permission: 'users.view',
  Component: lazyScreen(() => import('./MembersPage')),
};
