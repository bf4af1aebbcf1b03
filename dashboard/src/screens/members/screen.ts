import { IconUsers } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'members/*',
  nav: { label: 'nav.members', icon: IconUsers, order: 10 },
  permission: 'users.view',
  Component: lazy(() => import('./MembersPage')),
};
