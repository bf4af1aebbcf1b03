import { IconUsersGroup } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'roles/*',
  nav: { label: 'nav.roles', icon: IconUsersGroup, order: 30 },
  permission: 'roles.view',
  Component: lazyScreen(() => import('./RolesPage')),
};
