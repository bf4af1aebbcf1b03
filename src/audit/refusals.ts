import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { recordEvent, type SecurityEventInput } from './record.js';

interface OpenWindow {
  openedAt: number;
  lastAt: Date;
  /** Refusals after the first, not yet written. */
  pending: number;
  template: SecurityEventInput;
}

/**
 * Writes refusals to the security log without letting anyone flood it: the first refusal of
 * an actor for an action is written at once; repeats within the next minute are counted
 * and written as one event carrying the count when the minute closes. The log stays
 * append-only: nothing is updated, a later event just carries the tally.
 */
export class RefusalLog {
  private readonly windows = new Map<string, OpenWindow>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly windowMs = 60_000,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(false), Math.min(this.windowMs, 10_000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  record(event: SecurityEventInput): void {
    const key = [event.accountId, event.actor.type, event.actor.id, event.action, event.errorCode].join('\u0000');
    const now = this.clock.now();
    const open = this.windows.get(key);
    if (open && now.getTime() - open.openedAt < this.windowMs) {
      open.pending++;
      open.lastAt = now;
      return;
    }
    if (open) this.writeCollapsed(open);
    this.windows.set(key, { openedAt: now.getTime(), lastAt: now, pending: 0, template: event });
    this.write({ ...event, at: now });
  }

  /** Writes the tallies of closed windows (all of them when `everything`). */
  async flush(everything: boolean): Promise<void> {
    const now = this.clock.now().getTime();
    for (const [key, open] of this.windows) {
      if (!everything && now - open.openedAt < this.windowMs) continue;
      this.windows.delete(key);
      this.writeCollapsed(open);
    }
    await this.writing;
  }

  private writeCollapsed(open: OpenWindow): void {
    if (open.pending === 0) return;
    this.write({
      ...open.template,
      at: open.lastAt,
      count: open.pending,
      after: { repeatedSince: new Date(open.openedAt).toISOString() },
    });
  }

  private write(event: SecurityEventInput): void {
    this.writing = this.writing.then(() => recordEvent(this.database.db, event)).catch(this.onError);
  }
}
