import { type ComponentType, lazy, type LazyExoticComponent } from 'react';

/** A page loaded on first render (React.lazy) whose download can also be started earlier. */
export interface LazyScreen extends LazyExoticComponent<ComponentType> {
  preload(): Promise<unknown>;
}

/**
 * `lazy(load)` plus `preload()`: both share one download, so a screen fetched at start-up,
 * beside the session and permission requests (see startPage in App.tsx), renders
 * without a second wait once the permissions arrive.
 */
export function lazyScreen(load: () => Promise<{ default: ComponentType }>): LazyScreen {
  let loading: Promise<{ default: ComponentType }> | undefined;
  const once = () =>
    (loading ??= load().catch((error: unknown) => {
      // A failed download (a deploy replaced the chunk, a network blip) is tried again next time.
      loading = undefined;
      throw error;
    }));
  return Object.assign(lazy(once), { preload: once });
}
