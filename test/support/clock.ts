import type { Clock } from '../../src/shared/clock.js';

/** A clock that only moves when the test says so. */
export class TestClock implements Clock {
  private current: number;
  constructor(start = Date.parse('2026-06-01T09:00:00Z')) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
