import { IconBuildingCommunity } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'profiles',
  nav: { label: 'nav.profiles', icon: IconBuildingCommunity, order: 35 },
  permission: 'profiles.view',
  Component: lazy(() => import('./ProfilesPage')),
};
