import { describe, expect, it } from 'vitest';
import { completeObjectLength, type PendingRecord } from './object-cutter.ts';

const record = (offset: number, bytes = 10, slot = '2025-03-27/20'): PendingRecord => ({
  offset: BigInt(offset),
  slot,
  bytes,
  text: '',
  arrivedAt: 0,
  reason: 'none',
});
const run = (from: number, count: number, bytes?: number) => Array.from({ length: count }, (_, i) => record(from + i, bytes));
const limits = { maxRecords: 3, maxBytes: 1000 };

describe('completeObjectLength', () => {
  it('closes an object at the record limit and keeps a shorter one open', () => {
    expect(completeObjectLength(run(0, 5), limits)).toBe(3);
    expect(completeObjectLength(run(0, 3), limits)).toBe(3);
    expect(completeObjectLength(run(0, 2), limits)).toBe(0);
    expect(completeObjectLength([], limits)).toBe(0);
  });

  it('closes before the byte limit would be exceeded, at an exact fill, and around one oversized record', () => {
    const small = { maxRecords: 100, maxBytes: 100 };
    expect(completeObjectLength(run(0, 3, 40), small)).toBe(2);
    expect(completeObjectLength(run(0, 2, 50), small)).toBe(2);
    expect(completeObjectLength(run(0, 1, 150), small)).toBe(1);
    expect(completeObjectLength([record(0, 40), record(1, 150)], small)).toBe(1);
  });

  it('closes an object where the UTC hour of the records changes', () => {
    expect(completeObjectLength([record(0), record(1), record(2, 10, '2025-03-27/21')], { maxRecords: 10, maxBytes: 1000 })).toBe(2);
    // Out-of-order timestamps going back an hour also start a new object: one object, one hour.
    expect(completeObjectLength([record(0, 10, '2025-03-27/21'), record(1, 10, '2025-03-27/20')], limits)).toBe(1);
  });

  it('follows an adopted end offset instead of the limits, waiting until it is reached', () => {
    expect(completeObjectLength(run(10, 5), limits, 11n)).toBe(2);
    expect(completeObjectLength(run(10, 5), limits, 14n)).toBe(5);
    expect(completeObjectLength(run(10, 4), limits, 14n)).toBe(0);
    // Offsets need not be contiguous (compaction, transaction markers).
    expect(completeObjectLength([record(10), record(11), record(14)], limits, 12n)).toBe(2);
  });
});
