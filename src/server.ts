import type { Config } from './config/config.js';
import { type App, buildApp, type BuildOptions } from './http/app.js';
import { tuneGarbageCollector } from './runtime/gc-tuning.js';

export interface RunningServer {
  app: App;
  url: string;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  stop(): Promise<void>;
}

/**
 * Builds the app and listens on HOST:PORT (PORT=0 picks a free port, which is logged).
 * SIGTERM and SIGINT trigger a graceful stop.
 */
export async function startServer(config: Config, options: BuildOptions = {}): Promise<RunningServer> {
  tuneGarbageCollector();
  const app = await buildApp(config, options);
  const url = await app.listen({ host: config.host, port: config.port });
  app.log.info({ url, database: app.deps.database.kind }, `Gatehouse listening on ${url}`);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= app.close());
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
