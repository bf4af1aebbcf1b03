import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../src/shared/iso-time.js';

const first = Date.parse('0000-01-01T00:00:00.000Z');
const end = Date.parse('+010000-01-01T00:00:00.000Z');

describe('isoTimestamp', () => {
  it('writes what toISOString writes for 100,000 instants across years 0000-9999', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 100_000; i++) {
      // Half spread over the whole range, half within a few days of each other (the cached day).
      const ms = i % 2 ? Math.floor(first + random() * (end - first)) : Math.floor(1.7e12 + random() * 3 * 86_400_000);
      const date = new Date(ms);
      expect(isoTimestamp(date)).toBe(date.toISOString());
    }
  });

  it('agrees at the edges: leap days, century years, day and range boundaries, before 1970', () => {
    const instants = [
      '0000-01-01T00:00:00.000Z',
      '0000-02-29T12:00:00.000Z',
      '0000-12-31T23:59:59.999Z',
      '1600-02-29T00:00:00.000Z',
      '1700-02-28T23:59:59.999Z',
      '1700-03-01T00:00:00.000Z',
      '1900-03-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2024-02-29T00:00:00.001Z',
      '2100-02-28T10:00:00.000Z',
      '2100-03-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const instant of instants) expect(isoTimestamp(new Date(instant))).toBe(instant);
    for (let ms = -5; ms <= 5; ms++) expect(isoTimestamp(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('leaves years outside 0000-9999 to toISOString, and still refuses an invalid date', () => {
    for (const ms of [first - 1, end, end + 1, -8.64e15, 8.64e15])
      expect(isoTimestamp(new Date(ms))).toBe(new Date(ms).toISOString());
    expect(() => isoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
