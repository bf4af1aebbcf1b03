/**
 * Runs `task` once the browser is idle after the page has painted (at the latest a second
 * later); returns what cancels it, for an effect's cleanup.
 */
export function afterPaint(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: 1000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(task, 200);
  return () => clearTimeout(handle);
}
