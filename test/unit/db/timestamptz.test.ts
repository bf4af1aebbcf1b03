import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../../src/db/timestamptz.js';

const generalParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date | number | null;

/** A timestamp printed the way PostgreSQL prints timestamptz in ISO DateStyle. */
function printed(epochMs: number, micros: number, fractionDigits: number, offsetSeconds: number): string {
  const local = new Date(epochMs + offsetSeconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const fraction = fractionDigits
    ? `.${pad(local.getUTCMilliseconds() * 1000 + micros, 6).slice(0, fractionDigits)}`
    : '';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const [hours, minutes, seconds] = [Math.floor(abs / 3600), Math.floor(abs / 60) % 60, abs % 60];
  const offset = `${sign}${pad(hours)}${minutes || seconds ? `:${pad(minutes)}` : ''}${seconds ? `:${pad(seconds)}` : ''}`;
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${offset}`;
}

describe('parseTimestamptz', () => {
  it('agrees with pg to the millisecond on 20,000 timestamps across offsets and fraction lengths', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const offsets = [0, 3600, -3600, 19800, -12600, 20700, 45900, -34200, 1172, -17762];
    for (let i = 0; i < 20_000; i++) {
      const epochMs = Math.floor((random() * 2 - 0.6) * 4e12);
      const text = printed(epochMs, Math.floor(random() * 1000), Math.floor(random() * 7), offsets[i % offsets.length]);
      const expected = generalParser(text) as Date;
      const actual = parseTimestamptz(text);
      expect(actual.getTime(), text).toBe(expected.getTime());
    }
  });

  it('reads the common shapes exactly', () => {
    expect(parseTimestamptz('2026-11-29 07:08:24.123456+00').toISOString()).toBe('2026-11-29T07:08:24.123Z');
    expect(parseTimestamptz('2026-11-29 07:08:24+00').toISOString()).toBe('2026-11-29T07:08:24.000Z');
    expect(parseTimestamptz('2026-11-29 07:08:24.5+05:30').toISOString()).toBe('2026-11-29T01:38:24.500Z');
    expect(parseTimestamptz('2026-11-29 07:08:24-03').toISOString()).toBe('2026-11-29T10:08:24.000Z');
    expect(parseTimestamptz('1900-01-01 00:00:00+00:19:32').toISOString()).toBe('1899-12-31T23:40:28.000Z');
  });

  it('leaves what it does not recognise to pg: infinity, BC, short and long years, other styles', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '2000-01-01 00:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      '12345-06-07 08:09:10+00',
      'Sun Nov 29 07:08:24 2026 UTC',
      '2026-11-29 07:08:24.+00',
      '2026-11-29 07:08:24+0',
    ]) {
      const expected = generalParser(text);
      const actual = parseTimestamptz(text) as Date | number | null;
      if (expected instanceof Date)
        expect(actual instanceof Date ? actual.getTime() : actual, text).toEqual(expected.getTime());
      else expect(actual, text).toEqual(expected);
    }
  });
});
