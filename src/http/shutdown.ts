import { Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';

/**
 * Socket limits, so that no client can hold a connection (or the shutdown) forever:
 * the whole request (headers and body) must arrive within REQUEST_TIMEOUT_SECONDS
 * (else 408 and the socket closes), a socket with no traffic either way for a minute is
 * closed, and an idle keep-alive connection is closed after 72 s (longer than the usual
 * load balancer's 60 s, so that the balancer, not us, ends an idle connection).
 */
export function serverTimeouts(config: Config) {
  return {
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    // Served normally (with "Connection: close") while draining, instead of Fastify's own
    // 503 body: the database stays open until the last connection has ended.
    return503OnClosing: false,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      // How often Node checks those limits (default 30 s, which would stretch them).
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
  };
}

/**
 * From `start()` on, every response says "Connection: close", so each socket ends with its
 * response.
 */
export function installDrain(app: FastifyInstance): { start(): void } {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  return {
    start() {
      draining = true;
    },
  };
}

export interface ShutdownOptions {
  /**
   * How long idle keep-alive clients get to send one last request (answered, with
   * "Connection: close").
   */
  graceMs: number;
  /** After this, the connections still open are closed and the shutdown goes on. */
  deadlineMs: number;
}

/**
 * Stops a listening app without cutting anyone off mid-exchange, within a deadline.
 *
 * Node's `server.close()` destroys idle keep-alive sockets at once; a client that had just
 * sent its next request on one then reads ECONNRESET. So first the listening socket alone
 * is closed (no new connections), and for a short grace every request still arriving on an
 * open connection is answered with "Connection: close"; each such socket then ends cleanly
 * after its response. Then the app closes (idle sockets go, in-flight requests finish), and
 * at the deadline whatever is still open (a client that never finishes sending its request)
 * is closed so that the process can exit.
 */
export async function shutDown(
  app: FastifyInstance & { startDraining(): void },
  options: ShutdownOptions,
): Promise<void> {
  const server = app.server;
  const deadline = setTimeout(() => {
    app.log.warn({ deadlineMs: options.deadlineMs }, 'shutdown deadline reached: closing the connections still open');
    server.closeAllConnections();
  }, options.deadlineMs);
  try {
    app.startDraining();
    if (server.listening) {
      Server.prototype.close.call(server); // the listener only; http's close would also reap idle sockets
      await waitForConnections(server, Math.min(options.graceMs, options.deadlineMs));
    }
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}

/** Resolves when the server has no connection left, or after `ms`. */
function waitForConnections(server: Server, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const poll = setInterval(() => server.getConnections((error, count) => !error && count === 0 && done()), 50);
    function done() {
      clearTimeout(timer);
      clearInterval(poll);
      resolve();
    }
  });
}
