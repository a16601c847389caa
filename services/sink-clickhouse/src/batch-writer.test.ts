import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { retry, RetryStoppedError } from '@ckt/resilience';
import { writeRows } from './batch-writer.ts';
import type { BufferedRow } from './row-cutter.ts';

const row = (offset: number): BufferedRow => ({ offset: BigInt(offset), line: String(offset), versionMs: undefined, ingestMs: 0, message: { offset: String(offset) } as KafkaMessage });
class Rejected extends Error {}
class Down extends Error {}

function harness(opts: { bad?: number[]; downFor?: number }) {
  const written: number[] = [];
  const attempts: number[][] = [];
  let down = opts.downFor ?? 0;
  const classify = (error: unknown) => (error instanceof Rejected ? ('rejected' as const) : ('transient' as const));
  const insertOnce = async (rows: BufferedRow[]) => {
    const offsets = rows.map((r) => Number(r.offset));
    attempts.push(offsets);
    if (down > 0) {
      down--;
      throw new Down('server unavailable');
    }
    if (offsets.some((o) => opts.bad?.includes(o))) throw new Rejected('bad value');
    written.push(...offsets);
  };
  // As the sink inserts: transient failures retried with the same rows, rejections passed on at once.
  const insertWith = (signal: AbortSignal) => (rows: BufferedRow[]) =>
    retry(() => insertOnce(rows), { backoff: { initialMs: 1, maxMs: 2 }, signal, retryable: (error) => classify(error) === 'transient' });
  const deps = { insert: insertWith(new AbortController().signal), classify, insertWith };
  return { deps, written, attempts };
}

describe('writeRows', () => {
  it('writes all rows in one insert when the warehouse accepts them', async () => {
    const { deps, written, attempts } = harness({});
    expect(await writeRows([0, 1, 2].map(row), deps)).toEqual([]);
    expect(attempts).toEqual([[0, 1, 2]]);
    expect(written).toEqual([0, 1, 2]);
  });

  it('retries the same rows after a transient failure', async () => {
    const { deps, written, attempts } = harness({ downFor: 2 });
    await writeRows([0, 1].map(row), deps);
    expect(attempts).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(written).toEqual([0, 1]);
  });

  it('isolates rejected rows by bisection, writes the others in offset order', async () => {
    const { deps, written } = harness({ bad: [2, 5] });
    const rejected = await writeRows([0, 1, 2, 3, 4, 5, 6].map(row), deps);
    expect(rejected.map((r) => Number(r.row.offset))).toEqual([2, 5]);
    expect(written).toEqual([0, 1, 3, 4, 6]);
  });

  it('stops when the signal aborts instead of retrying forever', async () => {
    const { deps } = harness({ downFor: 1000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(writeRows([row(0)], { ...deps, insert: deps.insertWith(controller.signal) })).rejects.toBeInstanceOf(RetryStoppedError);
  });
});
