import { IconListSearch } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'security-log',
  nav: { label: 'nav.securityLog', icon: IconListSearch, order: 60 },
  permission: 'security_log.view',
  Component: lazyScreen(() => import('./SecurityLogPage')),
};
