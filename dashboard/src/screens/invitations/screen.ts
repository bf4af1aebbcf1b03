import { IconMailForward } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'invitations',
  nav: { label: 'nav.invitations', icon: IconMailForward, order: 16 },
  permission: 'users.view',
  Component: lazyScreen(() => import('./InvitationsPage')),
};
