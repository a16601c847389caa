import type { Prng } from './prng.ts';

/**
 * The timestamp formats the catalog accepts (§1), for producing varied traffic, and an independent parser
 * for the expectations. Formats without milliseconds lose them: the parser gives the instant the text
 * names, and the world keeps versions of one entity at least a second apart so their order survives.
 */

export const TIMESTAMP_FORMATS = ['iso_ms_z', 'iso_z', 'iso_offset', 'iso_no_zone', 'iso_micros', 'epoch_ms'] as const;
type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

const FORMAT_WEIGHTS: readonly (readonly [TimestampFormat, number])[] = [
  ['iso_ms_z', 35],
  ['iso_z', 5],
  ['iso_offset', 20],
  ['iso_no_zone', 12],
  ['iso_micros', 13],
  ['epoch_ms', 15],
];

/** UTC offsets (minutes) of the places the traffic comes from. */
const OFFSETS_MINUTES = [0, 60, 120, -300, -240, -420, 330, 540];

export function pickTimestampFormat(rng: Prng): TimestampFormat {
  return rng.weighted(FORMAT_WEIGHTS);
}

/** `ms` (epoch milliseconds, UTC) written in `format`; random parts (offset, microseconds) come from rng. */
export function formatTimestamp(ms: number, format: TimestampFormat, rng: Prng): string | number {
  const iso = new Date(ms).toISOString(); // 2025-03-27T20:48:37.123Z
  switch (format) {
    case 'iso_ms_z':
      return iso;
    case 'iso_z':
      return `${iso.slice(0, 19)}Z`;
    case 'iso_no_zone':
      return iso.slice(0, 19);
    case 'iso_micros': {
      const micros = String(rng.int(0, 999)).padStart(3, '0');
      return `${iso.slice(0, 23)}${micros}${rng.chance(0.5) ? 'Z' : ''}`;
    }
    case 'iso_offset': {
      const offset = rng.pick(OFFSETS_MINUTES);
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
    }
    case 'epoch_ms':
      return ms;
  }
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;
const MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/**
 * Epoch milliseconds of a catalog timestamp (ISO-8601, no zone = UTC, fraction truncated to ms; or epoch
 * ms as a JSON integer), within 1970..2299; undefined otherwise.
 */
export function parseTimestampMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && value <= MAX_MS ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, offH = '0', offM = '0'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (year < 1970 || !isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = !zulu && sign ? (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) : 0;
  if (Number(offM) > 59 || Math.abs(offsetMinutes) > 18 * 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0'))) - offsetMinutes * 60_000;
  return ms >= 0 && ms <= MAX_MS ? ms : undefined;
}

/** A calendar date `YYYY-MM-DD` (the catalog's date fields). */
export function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** `YYYY-MM-DD` of epoch ms (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
