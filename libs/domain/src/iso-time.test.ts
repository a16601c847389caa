import { describe, expect, it } from 'vitest';
import { daysFromCivil, daysFromIsoDate, epochMsFromIso, isoDateFromDays, isoFromEpochMs } from './iso-time.ts';

const MS_PER_DAY = 86_400_000;

/** Deterministic pseudo-random integers in [min, max]. */
function* spread(count: number, min: number, max: number): Generator<number> {
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    yield min + Math.floor((state / 2 ** 32) * (max - min + 1));
  }
}

const edges = [0, -1, 1, 999, 1000, -1000, -1001, 951_782_400_000, 1_743_108_517_123, 253_402_300_799_999, -62_167_219_200_000, 253_402_300_800_000, -62_167_219_200_001];

describe('isoFromEpochMs', () => {
  it('is Date#toISOString for any ms, repeated seconds included', () => {
    for (const ms of [...edges, ...spread(20_000, -62_167_219_200_000, 253_402_300_799_999), ...spread(2000, 1_743_108_517_000, 1_743_108_519_000)]) {
      expect(isoFromEpochMs(ms), String(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('throws like Date for values that are no time', () => {
    expect(() => isoFromEpochMs(Number.NaN)).toThrow(RangeError);
    expect(isoFromEpochMs(1.5)).toBe(new Date(1.5).toISOString());
  });
});

describe('epochMsFromIso', () => {
  it('reads what toISOString writes', () => {
    for (const ms of [...edges.filter((ms) => ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999), ...spread(20_000, -62_167_219_200_000, 253_402_300_799_999)]) {
      expect(epochMsFromIso(new Date(ms).toISOString())).toBe(ms);
    }
  });

  it.each([
    '2025-02-29T00:00:00.000Z',
    '2025-04-31T00:00:00.000Z',
    '2025-13-01T00:00:00.000Z',
    '2025-00-01T00:00:00.000Z',
    '2025-01-00T00:00:00.000Z',
    '2025-01-01T24:00:00.000Z',
    '2025-01-01T23:60:00.000Z',
    '2025-01-01T23:59:60.000Z',
    '2025-01-01T23:59:59.000',
    '2025-01-01 23:59:59.000Z',
    '2025-01-01T23:59:59.0000Z',
    '2025-01-01T23:59:59.00aZ',
    '2025-1-01T23:59:59.000Z',
    '+02025-01-01T23:59:5.000Z',
    '２025-01-01T23:59:59.000Z',
  ])('refuses %s', (text) => {
    expect(epochMsFromIso(text)).toBeUndefined();
  });

  it('accepts leap days exactly where the calendar has them', () => {
    expect(epochMsFromIso('2024-02-29T12:00:00.000Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(epochMsFromIso('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
    expect(epochMsFromIso('1900-02-29T00:00:00.000Z')).toBeUndefined();
  });
});

describe('dates', () => {
  it('isoDateFromDays is the date part of toISOString, daysFromIsoDate its inverse', () => {
    for (const days of [0, -1, 1, -719_528, 2_932_896, -719_529, 2_932_897, ...spread(20_000, -719_528, 2_932_896)]) {
      const text = new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
      expect(isoDateFromDays(days)).toBe(text);
      if (days >= -719_528 && days <= 2_932_896) expect(daysFromIsoDate(text)).toBe(days);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });

  it.each(['2025-02-29', '2025-04-31', '2025-3-27', '20250327', '2025-03-27T00:00:00', '2025/03/27', ''])('daysFromIsoDate refuses %j', (text) => {
    expect(daysFromIsoDate(text)).toBeUndefined();
  });
});
