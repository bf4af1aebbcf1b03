import { IconLayoutDashboard } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: '',
  nav: { label: 'nav.overview', icon: IconLayoutDashboard, order: 0 },
  Component: lazyScreen(() => import('./OverviewPage')),
};
