import { IconMailForward } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'invitations',
  nav: { label: 'nav.invitations', icon: IconMailForward, order: 16 },
  permission: 'users.view',
  Component: lazy(() => import('./InvitationsPage')),
};
