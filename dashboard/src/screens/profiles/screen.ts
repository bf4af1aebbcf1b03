import { IconBuildingCommunity } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'profiles',
  nav: { label: 'nav.profiles', icon: IconBuildingCommunity, order: 35 },
  permission: 'profiles.view',
  Component: lazyScreen(() => import('./ProfilesPage')),
};
