import { describe, expect, it } from 'vitest';
import { dateKeyOf, parseDate, parseTimestamp, parseTimestampText } from './timestamp.ts';

describe('parseTimestamp', () => {
  it.each([
    ['2025-03-27T20:48:37', '2025-03-27T20:48:37.000Z'],
    ['2025-03-27 20:48:37', '2025-03-27T20:48:37.000Z'],
    ['2025-03-27T20:48:37Z', '2025-03-27T20:48:37.000Z'],
    ['2025-03-27T20:48:37.5Z', '2025-03-27T20:48:37.500Z'],
    ['2025-03-27T20:48:37.123456', '2025-03-27T20:48:37.123Z'],
    ['2025-03-27T20:48:37.999999', '2025-03-27T20:48:37.999Z'],
    ['2025-03-27T20:48:37.123456789Z', '2025-03-27T20:48:37.123Z'],
    ['2025-03-27T22:48:37+02:00', '2025-03-27T20:48:37.000Z'],
    ['2025-03-27T22:48:37.250+0200', '2025-03-27T20:48:37.250Z'],
    ['2025-03-27T00:30:00-05:30', '2025-03-27T06:00:00.000Z'],
    ['2025-01-01T01:00:00+02:00', '2024-12-31T23:00:00.000Z'],
    ['2024-02-29T00:00:00', '2024-02-29T00:00:00.000Z'],
    [1743108517000, '2025-03-27T20:48:37.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
  ])('%s -> %s', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([
    ['2025-03-27'],
    ['2025-03-27T20:48'],
    ['2025-13-01T00:00:00'],
    ['2025-02-29T00:00:00'],
    ['2025-03-27T24:00:00'],
    ['2025-03-27T20:60:00'],
    ['2025-03-27T20:48:60'],
    ['2025-03-27T20:48:37.1234567890'],
    ['2025-03-27T20:48:37+25:00'],
    ['2025-03-27T20:48:37+02:60'],
    ['2025-03-27T20:48:37 UTC'],
    ['1969-12-31T23:59:59Z'],
    ['0099-01-01T00:00:00'],
    ['2300-01-01T00:00:00Z'],
    ['1743108517000'],
    [1743108517000.5],
    [-1],
    [Number.MAX_SAFE_INTEGER],
    [null],
    [true],
    [{}],
  ])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});

describe('parseTimestamp fast path', () => {
  it('agrees with the general parser on every zone-less form, valid or not', () => {
    const bases = ['2025-03-27', '2024-02-29', '2025-02-29', '1970-01-01', '1969-12-31', '2299-12-31', '2300-01-01', '2025-13-01', '0099-01-01'];
    const times = ['00:00:00', '20:48:37', '23:59:59', '24:00:00', '20:60:00', '20:48:60', '2:48:37'];
    const tails = ['', 'Z', '.1', '.12', '.123', '.1234', '.123456', '.123456789', '.1234567890', '.', '.Z', '.5Z', '.123Z', '.999999Z', 'z', ' ', '+02:00', 'Zx'];
    for (const date of bases) {
      for (const time of times) {
        for (const tail of tails) {
          for (const separator of ['T', ' ', 't']) {
            const text = `${date}${separator}${time}${tail}`;
            expect(parseTimestamp(text), text).toBe(parseTimestampText(text));
          }
        }
      }
    }
  });

  it('returns canonical text unchanged and formats epoch milliseconds like Date', () => {
    expect(parseTimestamp('2025-03-27T20:48:37.123Z')).toBe('2025-03-27T20:48:37.123Z');
    expect(parseTimestamp(1_743_108_517_123)).toBe(new Date(1_743_108_517_123).toISOString());
  });
});

describe('parseDate', () => {
  it('accepts calendar dates within the range', () => {
    expect(parseDate('2025-03-27', '1970-01-01', '2149-06-06')).toBe('2025-03-27');
    expect(parseDate('2024-02-29', '1970-01-01', '2149-06-06')).toBe('2024-02-29');
    expect(parseDate('1970-01-01', '1970-01-01', '2149-06-06')).toBe('1970-01-01');
  });

  it.each([['2025-02-29'], ['2025-04-31'], ['2025-3-27'], ['20250327'], ['2025-03-27T00:00:00'], ['1969-12-31'], ['2149-06-07'], [20250327]])(
    'refuses %j',
    (input) => {
      expect(parseDate(input, '1970-01-01', '2149-06-06')).toBeUndefined();
    },
  );
});

describe('dateKeyOf', () => {
  it('is YYYYMMDD of the UTC date', () => {
    expect(dateKeyOf('2025-03-27T23:59:59.999Z')).toBe(20250327);
    expect(dateKeyOf('2025-01-05T00:00:00.000Z')).toBe(20250105);
  });
});
