import { describe, expect, it } from 'vitest';
import { InflightBudget, Reservation } from './inflight-budget.ts';

describe('InflightBudget', () => {
  it('refuses a reservation that would pass the limit and reports the level', () => {
    const levels: number[] = [];
    const budget = new InflightBudget(100, (bytes) => levels.push(bytes));
    const a = new Reservation(budget);
    const b = new Reservation(budget);
    expect(a.grow(60)).toBe(true);
    expect(b.grow(50)).toBe(false);
    expect(b.grow(40)).toBe(true);
    expect(budget.bytes).toBe(100);
    a.release();
    a.release();
    expect(budget.bytes).toBe(40);
    b.release();
    expect(levels).toEqual([60, 100, 40, 0]);
  });
});
