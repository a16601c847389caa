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

import { daysFromIsoDate, daysInMonth, epochMsOfDateTime, fractionMillis, isoFromEpochMs } from './iso-time.ts';

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

const MIN_TIMESTAMP_MS = 0;
const MAX_TIMESTAMP_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);
const MAX_OFFSET_MINUTES = 18 * 60;

/** Parses a timestamp (see above) into a UTC ISO string with milliseconds; undefined when invalid. */
export function parseTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? fromEpochMs(value) : undefined;
  if (typeof value !== 'string') return undefined;
  return parseUtcTimestamp(value) ?? parseTimestampText(value);
}

/**
 * The common forms without a zone offset (`...SS`, `...SSZ`, `...SS.fff`, `...SS.fffZ`, T or space), read
 * by position instead of the regex and Date: most events carry one of them. Undefined for anything else.
 */
function parseUtcTimestamp(value: string): string | undefined {
  const length = value.length;
  if (length < 19 || length > 30) return undefined;
  const separator = value.charCodeAt(10);
  if (separator !== 84 && separator !== 32) return undefined; // 'T' or ' '
  const end = value.charCodeAt(length - 1) === 90 ? length - 1 : length; // 'Z'
  let millis = 0;
  if (end > 19) {
    if (value.charCodeAt(19) !== 46) return undefined; // '.'
    millis = fractionMillis(value, 20, end);
    if (millis < 0) return undefined;
  } else if (end !== 19) {
    return undefined;
  }
  const seconds = epochMsOfDateTime(value);
  if (seconds === undefined || seconds < MIN_TIMESTAMP_MS || seconds + millis > MAX_TIMESTAMP_MS) return undefined;
  // Already canonical (`YYYY-MM-DDTHH:MM:SS.mmmZ`): the text itself.
  if (length === 24 && end === 23 && separator === 84) return value;
  return isoFromEpochMs(seconds + millis);
}

/** Every accepted string form, by the regex (the fast path above must agree with it; see the tests). */
export function parseTimestampText(value: string): string | undefined {
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
  return isoFromEpochMs(ms);
}

/** A valid calendar date `YYYY-MM-DD` within [min, max] (both `YYYY-MM-DD`, inclusive); undefined otherwise. */
export function parseDate(value: unknown, min: string, max: string): string | undefined {
  if (typeof value !== 'string' || daysFromIsoDate(value) === undefined) return undefined;
  // Same-format strings compare like dates.
  return value < min || value > max ? undefined : value;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** YYYYMMDD of a UTC ISO timestamp, as a number (the warehouse's date_key). */
export function dateKeyOf(utcIsoTimestamp: string): number {
  const year = Number(utcIsoTimestamp.slice(0, 4));
  const month = Number(utcIsoTimestamp.slice(5, 7));
  const day = Number(utcIsoTimestamp.slice(8, 10));
  return year * 10_000 + month * 100 + day;
}
