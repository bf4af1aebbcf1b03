import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

function helmetOptions(publicUrl: string): HelmetOptions {
  const https = publicUrl.startsWith('https://');
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Over plain http (development) upgrading would break every asset.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
  };
}

/**
 * The headers every response carries: helmet's security headers and `cache-control:
 * no-store` (answers name people and permissions). Worked out once: they never depend on the
 * request, and @fastify/helmet rebuilds the whole middleware (CSP parsing included) on every
 * request, a cost the authorization check cannot afford (bench/README.md).
 */
export function securityHeaders(publicUrl: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader() {},
  };
  helmet(helmetOptions(publicUrl))({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  headers['cache-control'] = 'no-store';
  return headers;
}
