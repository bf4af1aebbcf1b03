import pg from 'pg';

// pg's own parser (postgres-date), for every form the fast path below does not take.
const generalParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

/** The decimal number in text[start, end), or NaN if any character is not a digit. */
function decimal(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Parses a timestamptz as PostgreSQL prints it in ISO DateStyle, `2026-11-29 07:08:24.123456+00`
 * (fraction optional, offset `±HH`, `±HH:MM` or `±HH:MM:SS`), without a regular expression;
 * anything else (infinity, BC, years before 1000 or after 9999, another DateStyle) goes to
 * pg's general parser. Every row of a list carries timestamps, and the general parser's
 * regular expression was the largest single cost of reading one (figures in
 * bench/README.md). Like pg, the fraction is cut to milliseconds.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (
    length < 22 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return generalParser(text);
  }
  let i = 19;
  let milliseconds = 0;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start) return generalParser(text);
    const kept = Math.min(i - start, 3);
    milliseconds = decimal(text, start, start + kept) * 10 ** (3 - kept);
  }
  const sign = text.charCodeAt(i) === 43 ? 1 : text.charCodeAt(i) === 45 ? -1 : 0;
  const offsetLength = length - i - 1;
  if (sign === 0 || (offsetLength !== 2 && offsetLength !== 5 && offsetLength !== 8)) return generalParser(text);
  if (offsetLength > 2 && (text.charCodeAt(i + 3) !== 58 || (offsetLength === 8 && text.charCodeAt(i + 6) !== 58)))
    return generalParser(text);
  const offsetSeconds =
    decimal(text, i + 1, i + 3) * 3600 +
    (offsetLength > 2 ? decimal(text, i + 4, i + 6) * 60 : 0) +
    (offsetLength === 8 ? decimal(text, i + 7, i + 9) : 0);
  const year = decimal(text, 0, 4);
  // Date.UTC reads years 0-99 as 1900-1999; the general parser knows how to handle them.
  if (!(year >= 1000)) return generalParser(text);
  const epoch =
    Date.UTC(
      year,
      decimal(text, 5, 7) - 1,
      decimal(text, 8, 10),
      decimal(text, 11, 13),
      decimal(text, 14, 16),
      decimal(text, 17, 19),
      milliseconds,
    ) -
    sign * offsetSeconds * 1000;
  return Number.isNaN(epoch) ? generalParser(text) : new Date(epoch);
}
