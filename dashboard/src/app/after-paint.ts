/**
 * Runs `task` once the browser is idle after the page has painted (at the latest a second
 * later), or when the page is left before that (a link, a reload, a closed tab), so that what
 * it writes is never lost; returns what cancels it, for an effect's cleanup.
 */
export function afterPaint(task: () => void): () => void {
  let settled = false;
  const cancel = () => {
    settled = true;
    removeEventListener('pagehide', run);
    if (typeof cancelIdleCallback === 'function') cancelIdleCallback(idle);
    clearTimeout(timer);
  };
  const run = () => {
    if (settled) return;
    cancel();
    task();
  };
  addEventListener('pagehide', run);
  const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 1000 }) : 0;
  const timer = typeof requestIdleCallback === 'function' ? undefined : setTimeout(run, 200);
  return cancel;
}
