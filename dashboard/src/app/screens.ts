import type { QueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { matchPath } from 'react-router';
import type en from '../i18n/en.json';
import type { LazyScreen } from './lazy-screen';

/** A key under `nav` in en.json. */
export type NavLabelKey = `nav.${Extract<keyof (typeof en)['nav'], string>}`;

/**
 * One screen inside an account (`/accounts/:accountId/<path>`). Each screen lives in its own
 * folder under src/screens/ and exports `screen` from `screen.ts`; the router and the
 * navigation pick every such file up, so adding a screen touches no shared file except en.json.
 */
export interface ScreenDefinition {
  /** Under /accounts/:accountId; `''` is the account's home. Nested routes: the screen renders its own <Routes>. */
  path: string;
  /** The navigation entry; a screen without one is reached by links only. */
  nav?: { label: NavLabelKey; icon: ComponentType<{ size?: number; stroke?: number }>; order: number };
  /** The effective permission (`users.view`) a member needs to see the entry and open the screen. */
  permission?: string;
  /** Loaded on first visit (`lazyScreen(() => import('./Page'))`), so the first page stays small. */
  Component: LazyScreen;
  /**
   * Starts the requests the screen makes first, when a URL opens it directly: they then run
   * beside the session and permission requests and the screen's download, not after them.
   * `rest` is the part of the path after the screen's own (`''` on its main page).
   */
  prefetch?: (queryClient: QueryClient, route: { accountId: string; rest: string; search: URLSearchParams }) => void;
}

const modules = import.meta.glob<{ screen: ScreenDefinition }>('../screens/*/screen.ts', { eager: true });

/** Every account screen, in navigation order. */
export const screens: ScreenDefinition[] = Object.values(modules)
  .map((module) => module.screen)
  .sort((a, b) => (a.nav?.order ?? 1000) - (b.nav?.order ?? 1000));

/** The screen a URL inside an account opens, with the account and the rest of the path. */
export function matchScreen(pathname: string) {
  for (const screen of screens) {
    const match = matchPath({ path: `/accounts/:accountId/${screen.path}`, end: true }, pathname);
    // The screen's path is not a literal here, so the splat is not in the inferred type.
    const params: Record<string, string | undefined> = match?.params ?? {};
    if (params.accountId) return { screen, accountId: params.accountId, rest: params['*'] ?? '' };
  }
  return undefined;
}
