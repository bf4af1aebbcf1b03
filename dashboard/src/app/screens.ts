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
}

const modules = import.meta.glob<{ screen: ScreenDefinition }>('../screens/*/screen.ts', { eager: true });

/** Every account screen, in navigation order. */
export const screens: ScreenDefinition[] = Object.values(modules)
  .map((module) => module.screen)
  .sort((a, b) => (a.nav?.order ?? 1000) - (b.nav?.order ?? 1000));

/**
 * Starts downloading the screen a URL opens (a link, a reload), so that it arrives while the
 * app still asks who you are and what you may do, instead of after.
 */
export function preloadScreen(pathname: string): void {
  const screen = screens.find((candidate) =>
    matchPath({ path: `/accounts/:accountId/${candidate.path}`, end: true }, pathname),
  );
  void screen?.Component.preload().catch(() => {
    // Rendering the screen downloads it again and shows a failure where it belongs.
  });
}
