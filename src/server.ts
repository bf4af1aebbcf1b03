import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { type App, buildApp, type BuildOptions } from './app.js';
import { shutDown } from './http/shutdown.js';
import { tuneGarbageCollector } from './runtime/gc-tuning.js';
import { loopbackUrl, writeServerRecord } from './runtime/server-record.js';

export interface RunningServer {
  app: App;
  url: string;
  /**
   * Stops accepting, lets in-flight requests finish (within SHUTDOWN_TIMEOUT_SECONDS), closes
   * the database.
   */
  stop(): Promise<void>;
}

/**
 * How long idle keep-alive clients get, on shutdown, to send a last request before their
 * sockets close.
 */
const keepAliveGraceMs = 1000;

/**
 * Builds the app and listens on HOST:PORT (PORT=0 picks a free port, which is logged).
 * SIGTERM and SIGINT trigger a graceful stop.
 */
export async function startServer(config: Config, options: BuildOptions = {}): Promise<RunningServer> {
  tuneGarbageCollector();
  const app = await buildApp(config, options);
  const url = await app.listen({ host: config.host, port: config.port });
  app.log.info({ url, database: app.deps.database.kind }, `Gatehouse listening on ${url}`);
  if (app.deps.database.kind === 'pglite' && options.database === undefined) {
    // This process owns the data directory (see data-dir-lock.ts): CLI commands run beside
    // it find it here and do their work through it.
    writeServerRecord(config.dataDir, {
      pid: process.pid,
      url: loopbackUrl(app.server.address() as AddressInfo),
      publicUrl: config.publicUrl,
      startedAt: new Date().toISOString(),
    });
  }

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutDown(app, { graceMs: keepAliveGraceMs, deadlineMs: config.shutdownTimeoutMs }));
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { app, url, stop };
}
