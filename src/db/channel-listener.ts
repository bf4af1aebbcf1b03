import pg from 'pg';

/** What a listener reports about its connection (the change feed logs these). */
export interface FeedEvents {
  down?(error: unknown): void;
  up?(): void;
}

/**
 * Reconnection delays: doubling from the first to the cap, each drawn in [half, full] (jitter,
 * so that instances do not reconnect in step). The cap is low because a failed attempt costs
 * the database almost nothing (a refused connection), while every second without the feed is
 * a second of uncached decisions and of /readyz saying 503.
 */
const firstRetryMs = 100;
const maxRetryMs = 1000;
/**
 * A LISTEN connection is idle by nature, so a dead peer that never sent a FIN (a network
 * partition, a VM paused) would go unnoticed: it is probed this often, and counted lost when a
 * probe takes longer than the timeout. The probe is LISTEN itself, which PostgreSQL treats as
 * a no-op when already listening and which leaves `pg_stat_activity.query` saying LISTEN
 * (instances are counted by it; see AccessService).
 */
const probeEveryMs = 10_000;
const probeTimeoutMs = 5000;

/**
 * One channel's LISTEN connection, kept open for the life of the process: when PostgreSQL
 * restarts or the connection drops, it says so (`feed.down`: notifications may be missed from
 * here on), reconnects with back-off, and says so again once LISTEN holds (`feed.up`).
 */
export class ChannelListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private live = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clientConfig: pg.ClientConfig,
    private readonly channel: string,
    private readonly callback: (payload: string) => void,
    private readonly feed: FeedEvents,
  ) {}

  /** The first connection: failing here fails the caller (the service is starting). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.probeTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.clientConfig);
    this.client = client;
    // Registered before connecting: an error event without a listener would crash the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('The LISTEN connection ended')));
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.callback(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      this.lost(client, error);
      throw error;
    }
    if (this.client !== client || this.stopped) return;
    this.live = true;
    this.attempt = 0;
    clearInterval(this.probeTimer);
    this.probeTimer = setInterval(() => this.probe(client), probeEveryMs);
    this.probeTimer.unref();
  }

  private probe(client: pg.Client): void {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The LISTEN connection did not answer within ${probeTimeoutMs} ms`)),
        probeTimeoutMs,
      );
    });
    Promise.race([client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`), timeout])
      .catch((error: unknown) => this.lost(client, error))
      .finally(() => clearTimeout(timer));
  }

  /** The connection is gone (or never came): report it once, then schedule the next try. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    clearInterval(this.probeTimer);
    client.end().catch(() => {});
    if (this.live) {
      this.live = false;
      this.feed.down?.(error);
    }
    const ceiling = Math.min(maxRetryMs, firstRetryMs * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.retry(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private retry(): void {
    if (this.stopped) return;
    this.connect().then(
      () => {
        if (this.live) this.feed.up?.();
      },
      () => {}, // lost() has scheduled the next attempt
    );
  }
}
