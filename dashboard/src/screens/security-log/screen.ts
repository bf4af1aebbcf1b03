import { IconListSearch } from '@tabler/icons-react';
import { lazy } from 'react';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'security-log',
  nav: { label: 'nav.securityLog', icon: IconListSearch, order: 60 },
  permission: 'security_log.view',
  Component: lazy(() => import('./SecurityLogPage')),
};
