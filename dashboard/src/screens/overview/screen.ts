import { IconLayoutDashboard } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: '',
  nav: { label: 'nav.overview', icon: IconLayoutDashboard, order: 0 },
  Component: lazy(() => import('./OverviewPage')),
};
