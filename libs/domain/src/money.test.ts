import { describe, expect, it } from 'vitest';
import { parseMoney, roundHalfEven } from './money.ts';

describe('parseMoney', () => {
  it.each([
    [12.345, '12.34'],
    [12.355, '12.36'],
    ['12.345', '12.34'],
    ['12.355', '12.36'],
    ['12.3451', '12.35'],
    ['0.005', '0.00'],
    ['0.015', '0.02'],
    ['0.025', '0.02'],
    ['2.675', '2.68'],
    [2.675, '2.68'],
    [10, '10.00'],
    ['10', '10.00'],
    ['7.5', '7.50'],
    ['007.50', '7.50'],
    [0, '0.00'],
    [-0, '0.00'],
    [1e3, '1000.00'],
    [1.5e-7, '0.00'],
    [0.1 + 0.2, '0.30'],
    ['9999999999999999.99', '9999999999999999.99'],
    ['9999999999999999.994', '9999999999999999.99'],
  ])('%j -> %s', (input, expected) => {
    expect(parseMoney(input)).toBe(expected);
  });

  it.each([
    ['1e3'],
    ['-1.00'],
    [-0.01],
    ['+1'],
    ['.5'],
    ['5.'],
    [' 5'],
    ['1,50'],
    ['abc'],
    [''],
    ['9999999999999999.995'],
    ['10000000000000000'],
    [1e21],
    [null],
    [true],
    [{}],
  ])('refuses %j', (input) => {
    expect(parseMoney(input)).toBeUndefined();
  });
});

describe('parseMoney without rounding to do', () => {
  it('agrees with rounding half-even for plain decimals of any length and leading zeros', () => {
    const texts: string[] = [];
    for (const whole of ['0', '00', '7', '07', '10', '123456789012345', '1234567890123456', '12345678901234567', '0000000000000000001']) {
      for (const fraction of ['', '.', '.0', '.5', '.05', '.50', '.99', '.995', '.125']) texts.push(whole + fraction);
    }
    for (const text of texts) {
      const general = /^\d+(?:\.\d+)?$/.test(text) ? roundHalfEven(text, 2) : undefined;
      const expected = general !== undefined && general.length - 3 <= 16 ? general : undefined;
      expect(parseMoney(text), text).toBe(expected);
    }
    for (const n of [0.5, 1, 24.5, 49.9, 74.4, 1234567.89, 2 ** 52]) expect(parseMoney(n), String(n)).toBe(roundHalfEven(String(n), 2));
  });
});

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour and everything else to the nearest', () => {
    expect(roundHalfEven('1.125', 2)).toBe('1.12');
    expect(roundHalfEven('1.135', 2)).toBe('1.14');
    expect(roundHalfEven('1.1250001', 2)).toBe('1.13');
    expect(roundHalfEven('1.124999', 2)).toBe('1.12');
    expect(roundHalfEven('0.995', 2)).toBe('1.00');
    expect(roundHalfEven('99.999', 2)).toBe('100.00');
    expect(roundHalfEven('3', 2)).toBe('3.00');
  });
});
