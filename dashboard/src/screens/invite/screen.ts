import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'invite',
  // Reached from the members list and the pending invitations: no navigation entry of its own.
  permission: 'users.invite',
  Component: lazyScreen(() => import('./InvitePage')),
};
