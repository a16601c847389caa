import { describe, expect, it } from 'vitest';
import { createPrng, hashSeed } from './prng.ts';

const draw = (seed: string | number, n = 50): number[] => {
  const rng = createPrng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createPrng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw('42')).toEqual(draw('42'));
    expect(draw(42)).toEqual(draw('42'));
    expect(draw('42')).not.toEqual(draw('43'));
  });

  it('stays in range and is roughly uniform', () => {
    const rng = createPrng('uniform');
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = rng.next();
      if (value < 0 || value >= 1) outside++;
      else buckets[Math.floor(value * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('int covers both bounds and nothing outside', () => {
    const rng = createPrng('int');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => rng.int(5, 4)).toThrow(RangeError);
  });

  it('weighted follows the weights and never picks a zero weight', () => {
    const rng = createPrng('weights');
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[rng.weighted([['a', 1], ['b', 3], ['c', 0]] as const)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('fork gives independent streams that depend only on seed and label', () => {
    const a = createPrng('s');
    a.next();
    const b = createPrng('s');
    expect(Array.from({ length: 5 }, a.fork('x').next)).toEqual(Array.from({ length: 5 }, b.fork('x').next));
    expect(Array.from({ length: 5 }, b.fork('x').next)).not.toEqual(Array.from({ length: 5 }, b.fork('y').next));
  });

  it('hashes seeds to 32-bit words', () => {
    for (const word of hashSeed('abc')) expect(word >>> 0).toBe(word);
    expect(hashSeed('abc')).not.toEqual(hashSeed('abd'));
  });
});
