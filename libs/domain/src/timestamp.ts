/**
 * Timestamps and dates. Every timestamp leaves this module as a UTC ISO string with exactly milliseconds
 * (`2025-03-27T20:48:37.000Z`), every date as `YYYY-MM-DD`.
 *
 * Accepted timestamp input: ISO-8601 `YYYY-MM-DDTHH:MM:SS` (a space instead of `T` is accepted), an optional
 * fraction of 1-9 digits (truncated to milliseconds, never rounded, so an event never moves into the next
 * second), and an optional zone `Z`, `+hh:mm`, `+hhmm` (no zone = UTC); or epoch milliseconds as a JSON
 * integer. The result must lie in ClickHouse's DateTime64 range starting at the epoch:
 * 1970-01-01T00:00:00.000Z .. 2299-12-31T23:59:59.999Z.
 */

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const MIN_TIMESTAMP_MS = 0;
export const MAX_TIMESTAMP_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);
const MAX_OFFSET_MINUTES = 18 * 60;

/** Parses a timestamp (see above) into a UTC ISO string with milliseconds; undefined when invalid. */
export function parseTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? fromEpochMs(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Date.UTC maps years 0-99 to 1900-1999, so refuse them before it sees them (they are out of range anyway).
  if (year < 1970 || !isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (!zulu && sign) {
    const hours = Number(offH);
    const minutes = Number(offM);
    if (minutes > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
    if (Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) return undefined;
  }
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return fromEpochMs(utcMs);
}

function fromEpochMs(ms: number): string | undefined {
  if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) return undefined;
  return new Date(ms).toISOString();
}

/** A valid calendar date `YYYY-MM-DD` within [min, max] (both `YYYY-MM-DD`, inclusive); undefined otherwise. */
export function parseDate(value: unknown, min: string, max: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, y, m, d] = match;
  if (!isCalendarDate(Number(y), Number(m), Number(d))) return undefined;
  // Same-format strings compare like dates.
  return value < min || value > max ? undefined : value;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** YYYYMMDD of a UTC ISO timestamp, as a number (the warehouse's date_key). */
export function dateKeyOf(utcIsoTimestamp: string): number {
  return Number(utcIsoTimestamp.slice(0, 10).replaceAll('-', ''));
}
