import { describe, expect, it } from 'vitest';
import { formatCents, moneyToCents } from './money.ts';

describe('moneyToCents', () => {
  it.each([
    ['19.90', 1990n],
    ['19.9', 1990n],
    ['7', 700n],
    ['10.005', 1000n], // half-even: 0 is even, stays
    ['10.015', 1002n], // 1 is odd, goes up
    ['10.0051', 1001n], // above half
    ['10.0049', 1000n],
    ['0.125', 12n],
    ['0.135', 14n],
  ])('string %s -> %s cents', (text, cents) => {
    expect(moneyToCents(text)).toBe(cents);
  });

  it('reads numbers as their shortest decimal text', () => {
    expect(moneyToCents(19.9)).toBe(1990n);
    expect(moneyToCents(24.125)).toBe(2412n);
    expect(moneyToCents(24.135)).toBe(2414n);
    expect(moneyToCents(0.1 + 0.2)).toBe(30n); // 0.30000000000000004
    expect(moneyToCents(1e21)).toBe(10n ** 23n);
    expect(moneyToCents(5e-7)).toBe(0n);
  });

  it('refuses what is no amount', () => {
    for (const value of [-1, '-1', '1e3', '12,50', '', ' 1', 'abc', true, null, {}, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(moneyToCents(value)).toBeUndefined();
    }
  });
});

describe('formatCents', () => {
  it('writes exactly two decimals', () => {
    expect(formatCents(0n)).toBe('0.00');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(1990)).toBe('19.90');
    expect(formatCents(123456789012345678n)).toBe('1234567890123456.78');
  });
});
