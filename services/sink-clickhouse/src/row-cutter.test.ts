import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { RowCutter, type BufferedRow } from './row-cutter.ts';

const row = (offset: number, line = `[${offset}]`): BufferedRow => ({ offset: BigInt(offset), line, versionMs: undefined, ingestMs: 0, message: {} as KafkaMessage });
const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));

describe('row cutter', () => {
  it('is due at N rows and cuts exactly N, leaving the rest due at once', () => {
    const buffer = new RowCutter({ maxRows: 10, maxBytes: 1e9, maxAgeMs: 1000 });
    buffer.add(rows(0, 24), 24n, 0, false);
    expect(buffer.due(0)).toBe('rows');
    const first = buffer.cut('rows', 0);
    expect(first?.items.map((r) => Number(r.offset))).toEqual(rows(0, 9).map((r) => Number(r.offset)));
    expect(first?.coveredThrough).toBe(9n);
    buffer.cut('rows', 0);
    expect(buffer.itemCount).toBe(5);
    expect(buffer.due(1)).toBe('interval');
    const last = buffer.cut('interval', 1);
    expect(last?.coveredThrough).toBe(24n);
    expect(buffer.hasPending()).toBe(false);
  });

  it('is due at B bytes and never cuts more than B bytes (a larger single row goes alone)', () => {
    const buffer = new RowCutter({ maxRows: 1000, maxBytes: 10, maxAgeMs: 1000 });
    buffer.add([row(0, '1234'), row(1, '1234'), row(2, '12345678901234')], 2n, 0, false);
    expect(buffer.due(0)).toBe('bytes');
    expect(buffer.cut('bytes', 0)?.items).toHaveLength(2);
    expect(buffer.cut('bytes', 0)?.items).toHaveLength(1);
  });

  it('is due at the first tick of the T ms grid after its first row, and covers offsets that produced no row', () => {
    const buffer = new RowCutter({ maxRows: 1000, maxBytes: 1e9, maxAgeMs: 1000 });
    buffer.add([row(5)], 7n, 100, false);
    expect(buffer.due(999)).toBeUndefined();
    expect(buffer.dueAt()).toBe(1000);
    expect(buffer.due(1000)).toBe('interval');
    expect(buffer.cut('interval', 1000)?.coveredThrough).toBe(7n);
    buffer.add([row(8)], 8n, 1999, false);
    expect(buffer.dueAt()).toBe(2000);
    expect(buffer.cut('interval', 2000)?.coveredThrough).toBe(8n);
    buffer.add([], 9n, 2500, false);
    expect(buffer.cut('interval', 2500)).toMatchObject({ items: [], coveredThrough: 9n });
  });

  it('cuts the tail of a backlog at once when a fetch reaches the end, and batches by the interval while keeping up', () => {
    const buffer = new RowCutter({ maxRows: 10, maxBytes: 1e9, maxAgeMs: 1000 });
    buffer.add(rows(0, 9), 9n, 0, false);
    expect(buffer.cut('rows', 0)?.items).toHaveLength(10);
    buffer.add(rows(10, 16), 16n, 10, true);
    expect(buffer.due(10)).toBe('caught_up');
    expect(buffer.cut('caught_up', 10)?.coveredThrough).toBe(16n);
    // Keeping up now: a fetch at the end waits for the interval.
    buffer.add(rows(17, 17), 17n, 20, true);
    expect(buffer.due(20)).toBeUndefined();
    expect(buffer.due(1000)).toBe('interval');
  });
});
