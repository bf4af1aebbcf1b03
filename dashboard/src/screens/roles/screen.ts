import { IconUsersGroup } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'roles/*',
  nav: { label: 'nav.roles', icon: IconUsersGroup, order: 30 },
  permission: 'roles.view',
  Component: lazy(() => import('./RolesPage')),
};
