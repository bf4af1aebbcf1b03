import type { TestApp } from './app.js';

/**
 * POST /v1/session against `t`, each call from its own address unless told one, so the per-IP
 * counters of one test do not affect another.
 */
export function postSessionFromFreshAddresses(t: TestApp) {
  let ipCounter = 0;
  return (email: string, password: string, extra: { cookie?: string; remoteAddress?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email, password },
      remoteAddress: extra.remoteAddress ?? `10.1.0.${++ipCounter}`,
      ...(extra.cookie ? { headers: { cookie: extra.cookie } } : {}),
    });
}
