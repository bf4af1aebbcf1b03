import { IconKey } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'api-keys',
  nav: { label: 'nav.apiKeys', icon: IconKey, order: 70 },
  permission: 'api.access',
  Component: lazyScreen(() => import('./ApiKeysPage')),
};
