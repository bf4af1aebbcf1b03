const dayMs = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: the range of four-digit years. */
const firstMs = -62_167_219_200_000;
const endMs = 253_402_300_800_000;

const twoDigits = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
// Whole pieces, so that a timestamp is four strings joined: each join is a ConsString until
// JSON.stringify flattens it, and a list page writes many timestamps.
const hoursMinutes = Array.from({ length: 1440 }, (_, n) => `${twoDigits[Math.floor(n / 60)]}:${twoDigits[n % 60]}:`);
const secondsPoint = Array.from({ length: 60 }, (_, n) => `${twoDigits[n]}.`);
const millisecondsZ = Array.from({ length: 1000 }, (_, n) => `${String(n).padStart(3, '0')}Z`);

let cachedDay = Number.NaN;
let cachedDatePart = '';

/** "YYYY-MM-DDT" of a day counted from 1970-01-01 (proleptic Gregorian, civil-from-days). */
function datePart(days: number): string {
  // Shift the epoch to 0000-03-01 so that leap days fall at the end of each year.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${twoDigits[Math.floor(year / 100)]}${twoDigits[year % 100]}-${twoDigits[month]}-${twoDigits[day]}T`;
}

/**
 * `date.toISOString()`, same output, faster: every row of a list writes timestamps, and
 * toISOString was a visible share of building a page's views (figures in bench/README.md).
 * This formats the UTC fields from the epoch milliseconds with integer arithmetic and digit
 * tables, and reuses the date part while the day repeats. Dates it does not cover (years
 * outside 0000-9999, invalid ones) go to toISOString, which writes them or throws.
 */
export function isoTimestamp(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= firstMs && ms < endMs)) return date.toISOString();
  const days = Math.floor(ms / dayMs);
  if (days !== cachedDay) {
    cachedDatePart = datePart(days);
    cachedDay = days;
  }
  const msOfDay = ms - days * dayMs;
  const minuteOfDay = Math.floor(msOfDay / 60_000);
  const msOfMinute = msOfDay - minuteOfDay * 60_000;
  const seconds = Math.floor(msOfMinute / 1000);
  return (
    cachedDatePart + hoursMinutes[minuteOfDay] + secondsPoint[seconds] + millisecondsZ[msOfMinute - seconds * 1000]
  );
}
