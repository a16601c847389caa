import { describe, expect, it } from 'vitest';
import { createPrng } from './prng.ts';
import { formatTimestamp, isIsoDate, parseTimestampMs, TIMESTAMP_FORMATS } from './timestamps.ts';

const MS = Date.UTC(2025, 2, 27, 20, 48, 37, 123);

describe('formatTimestamp', () => {
  it('writes every format so that it parses back to the same instant (to the precision kept)', () => {
    const rng = createPrng('ts');
    for (const format of TIMESTAMP_FORMATS) {
      for (let i = 0; i < 20; i++) {
        const value = formatTimestamp(MS, format, rng);
        const parsed = parseTimestampMs(value);
        const expected = format === 'iso_z' || format === 'iso_no_zone' ? MS - 123 : MS;
        expect(parsed, `${format}: ${value}`).toBe(expected);
      }
    }
  });

  it('writes the documented shapes', () => {
    const rng = createPrng('shapes');
    expect(formatTimestamp(MS, 'iso_ms_z', rng)).toBe('2025-03-27T20:48:37.123Z');
    expect(formatTimestamp(MS, 'iso_z', rng)).toBe('2025-03-27T20:48:37Z');
    expect(formatTimestamp(MS, 'iso_no_zone', rng)).toBe('2025-03-27T20:48:37');
    expect(formatTimestamp(MS, 'epoch_ms', rng)).toBe(MS);
    expect(formatTimestamp(MS, 'iso_micros', rng)).toMatch(/^2025-03-27T20:48:37\.123\d{3}Z?$/);
    expect(formatTimestamp(MS, 'iso_offset', rng)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
  });
});

describe('parseTimestampMs', () => {
  it('reads offsets, fractions (truncated) and epoch ms', () => {
    expect(parseTimestampMs('2025-03-27T22:48:37+02:00')).toBe(MS - 123);
    expect(parseTimestampMs('2025-03-27T20:48:37.123999')).toBe(MS);
    expect(parseTimestampMs('2025-03-27T15:48:37.1-05:00')).toBe(MS - 23);
    expect(parseTimestampMs(MS)).toBe(MS);
  });

  it('refuses what the catalog does not accept', () => {
    for (const value of ['yesterday', '27/03/2025 20:48:37', '2025-02-30T10:00:00Z', '2025-03-27T24:00:00', '1969-12-31T23:59:59Z', 1.5, -1, true, null]) {
      expect(parseTimestampMs(value), String(value)).toBeUndefined();
    }
  });

  it('checks calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2025-04-31')).toBe(false);
    expect(isIsoDate(20250327)).toBe(false);
  });
});
