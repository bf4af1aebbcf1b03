import { IconAddressBook } from '@tabler/icons-react';
import { lazyScreen } from '../../app/lazy-screen';
import type { ScreenDefinition } from '../../app/screens';

export const screen: ScreenDefinition = {
  path: 'contacts',
  nav: { label: 'nav.contacts', icon: IconAddressBook, order: 60 },
  permission: 'contacts.view',
  Component: lazyScreen(() => import('./ContactsPage')),
};
