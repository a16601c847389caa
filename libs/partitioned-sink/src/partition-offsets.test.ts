import { describe, expect, it } from 'vitest';
import { PartitionOffsets } from './partition-offsets.ts';

const messages = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: String(from + i) }));
const items = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: BigInt(from + i) }));
const offsetsOf = (list: Array<{ offset: string | bigint }>) => list.map((m) => Number(m.offset));

describe('partition offsets (exactly once as ranges)', () => {
  it('passes everything while nothing is durable or handed over', () => {
    const offsets = new PartitionOffsets(() => {});
    offsets.learnWatermark(undefined);
    expect(offsets.unhandled(messages(0, 4))).toEqual({ fresh: messages(0, 4), skipped: 0 });
  });

  it('skips what the store holds (a replay) and what was handed over (a redelivery)', () => {
    const offsets = new PartitionOffsets(() => {});
    offsets.sawLogEnd(100n);
    offsets.learnWatermark(6n);
    const first = offsets.unhandled(messages(0, 9));
    expect(offsetsOf(first.fresh)).toEqual([7, 8, 9]);
    expect(first.skipped).toBe(7);
    expect(offsets.handOver(7n, 9n)).toBe(true);
    expect(offsets.unhandled(messages(5, 12)).fresh).toEqual(messages(10, 12));
    expect(offsets.handOver(5n, 9n)).toBe(false);
  });

  it('at write time, drops the items another writer made durable meanwhile', () => {
    const offsets = new PartitionOffsets(() => {});
    offsets.learnWatermark(undefined);
    const { items: kept, skipped } = offsets.unwritten(items(0, 9), 4n);
    expect(offsetsOf(kept)).toEqual([5, 6, 7, 8, 9]);
    expect(skipped).toBe(5);
  });

  it('moves the watermark forward with its own writes, never back', () => {
    const offsets = new PartitionOffsets(() => {});
    offsets.learnWatermark(3n);
    offsets.durable(9n);
    offsets.durable(5n);
    expect(offsets.unhandled(messages(8, 11)).fresh).toEqual(messages(10, 11));
    // Only the first read of the store counts as what was known at assignment.
    offsets.learnWatermark(1n);
    expect(offsets.unhandled(messages(8, 11)).fresh).toEqual(messages(10, 11));
  });

  it('ignores a watermark at or past the log end (the topic was re-created), and says so once', () => {
    const reports: Array<[bigint, bigint]> = [];
    const offsets = new PartitionOffsets((watermark, logEnd) => reports.push([watermark, logEnd]));
    offsets.sawLogEnd(5n);
    offsets.learnWatermark(1000n);
    expect(offsets.unhandled(messages(0, 4)).fresh).toEqual(messages(0, 4));
    expect(offsets.unwritten(items(0, 4), 1000n).items).toEqual(items(0, 4));
    expect(reports).toEqual([[1000n, 5n]]);
  });

  it('sees a fetch below everything handed over as the consumer going back, and takes it after a restart', () => {
    const offsets = new PartitionOffsets(() => {});
    offsets.learnWatermark(undefined);
    expect(offsets.handOver(2n, 4n)).toBe(true); // fetched ahead of the committed position
    expect(offsets.rewound(3n)).toBe(false);
    expect(offsets.rewound(0n)).toBe(true);
    offsets.restart();
    expect(offsets.unhandled(messages(0, 4)).fresh).toEqual(messages(0, 4));
    expect(offsets.handOver(0n, 4n)).toBe(true);
  });
});
