import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import type { BufferedRow } from './partition-buffer.ts';
import { PartitionSink, type PartitionSinkDeps } from './partition-sink.ts';

const logger = createLogger('partition-sink-test', { LOG_LEVEL: 'silent' });
const row = (offset: number): BufferedRow => ({ offset: BigInt(offset), line: `[${offset}]`, versionMs: 0, ingestMs: 0, message: { offset: String(offset) } as KafkaMessage });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));
class Rejected extends Error {}
class Unavailable extends Error {}

interface Harness {
  sink: PartitionSink;
  inserts: number[][];
  commits: bigint[];
  progress: Array<{ firstOffset: bigint; lastOffset: bigint; rows: number }>;
  deadLetters: number[];
  events: string[];
  controls: { down: boolean; bad: Set<number>; watermark: bigint | undefined };
  stop: AbortController;
}

const sinks: Harness[] = [];
afterEach(() => {
  for (const h of sinks.splice(0)) {
    h.stop.abort();
    h.sink.close();
  }
});

function harness(overrides: Partial<PartitionSinkDeps> = {}, limits = { maxRows: 10, maxBytes: 1e9, maxAgeMs: 30 }): Harness {
  const h = {
    inserts: [] as number[][],
    commits: [] as bigint[],
    progress: [] as Array<{ firstOffset: bigint; lastOffset: bigint; rows: number }>,
    deadLetters: [] as number[],
    events: [] as string[],
    controls: { down: false, bad: new Set<number>(), watermark: undefined as bigint | undefined },
    stop: new AbortController(),
  };
  const sink = new PartitionSink({
    topic: 'dwh.t',
    partition: 0,
    limits,
    backoff: { initialMs: 5, maxMs: 10 },
    memoryShare: () => 1e9,
    memoryChanged: () => {},
    logger,
    signal: h.stop.signal,
    classify: (error) => (error instanceof Rejected ? 'rejected' : 'transient'),
    insert: async (rows) => {
      if (h.controls.down) throw new Unavailable('warehouse down');
      const offsets = rows.map((r) => Number(r.offset));
      if (offsets.some((o) => h.controls.bad.has(o))) throw new Rejected('bad row');
      h.inserts.push(offsets);
      h.events.push(`insert ${offsets[0]}-${offsets.at(-1)}`);
    },
    loadWatermark: async () => h.controls.watermark,
    recordProgress: async (p) => {
      h.progress.push(p);
      h.events.push(`progress ${p.lastOffset}`);
    },
    deadLetter: async (rejected) => {
      h.deadLetters.push(...rejected.map((r) => Number(r.row.offset)));
      h.events.push('dead letter');
    },
    commit: async (offset) => {
      h.commits.push(offset);
      h.events.push(`commit ${offset}`);
    },
    pause: () => h.events.push('pause'),
    resume: () => h.events.push('resume'),
    observe: { flushed: () => {}, written: () => {}, skipped: () => {}, deadLettered: () => {}, retried: () => {}, paused: () => {} },
    ...overrides,
  });
  const result = { ...h, sink };
  sinks.push(result);
  return result;
}

describe('partition sink', () => {
  it('inserts at N rows, the remainder after T ms, and commits each batch only after its progress is recorded', async () => {
    const h = harness();
    h.sink.accept(range(0, 24), 24n, 25n);
    await vi.waitFor(() => expect(h.commits).toEqual([10n, 20n, 25n]));
    expect(h.inserts).toEqual([range(0, 9), range(10, 19), range(20, 24)].map((rows) => rows.map((r) => Number(r.offset))));
    expect(h.events.filter((e) => !['pause', 'resume'].includes(e))).toEqual([
      'insert 0-9',
      'progress 9',
      'commit 10',
      'insert 10-19',
      'progress 19',
      'commit 20',
      'insert 20-24',
      'progress 24',
      'commit 25',
    ]);
  });

  it('skips rows at or below the recorded watermark (replay) and still commits them', async () => {
    const h = harness();
    h.controls.watermark = 14n;
    h.sink.accept(range(0, 19), 19n, 20n);
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe(20n));
    expect(h.inserts.flat()).toEqual(range(15, 19).map((r) => Number(r.offset)));
  });

  it('ignores a watermark past the end of the partition (re-created topic)', async () => {
    const h = harness();
    h.controls.watermark = 1000n;
    h.sink.accept(range(0, 4), 4n, 5n);
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe(5n));
    expect(h.inserts.flat()).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops records delivered again after a rebalance', async () => {
    const h = harness();
    h.sink.accept(range(0, 5), 5n, 6n);
    h.sink.accept(range(3, 8), 8n, 9n);
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe(9n));
    expect(h.inserts.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('pauses the partition while the warehouse is down, retries the same rows, then resumes and commits', async () => {
    const h = harness();
    h.controls.down = true;
    h.sink.accept(range(0, 9), 9n, 10n);
    await vi.waitFor(() => expect(h.events).toContain('pause'));
    expect(h.commits).toEqual([]);
    h.controls.down = false;
    await vi.waitFor(() => expect(h.commits).toEqual([10n]));
    expect(h.inserts).toEqual([range(0, 9).map((r) => Number(r.offset))]);
    expect(h.events.indexOf('resume')).toBeGreaterThan(h.events.indexOf('pause'));
  });

  it('dead-letters rejected rows before recording progress, and writes the rest', async () => {
    const h = harness();
    h.controls.bad = new Set([3]);
    h.sink.accept(range(0, 7), 7n, 8n);
    await vi.waitFor(() => expect(h.commits).toEqual([8n]));
    expect(h.deadLetters).toEqual([3]);
    expect(h.inserts.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(h.events.indexOf('dead letter')).toBeLessThan(h.events.indexOf('progress 7'));
    expect(h.progress).toEqual([{ firstOffset: 0n, lastOffset: 7n, rows: 7 }]);
  });

  it('batches a consumer that keeps up by the interval, even when its fetches end short of the log end', async () => {
    const h = harness({}, { maxRows: 100, maxBytes: 1e9, maxAgeMs: 80 });
    // The first fetch of an assignment may be the tail of a backlog: flushed at once.
    h.sink.accept(range(0, 1), 1n, 2n);
    await vi.waitFor(() => expect(h.commits).toEqual([2n]));
    // Steady flow: every fetch is a little behind the end, then at the end; one insert per interval.
    for (let first = 2; first < 20; first += 2) {
      h.sink.accept(range(first, first + 1), BigInt(first + 1), BigInt(first + (first % 4 === 0 ? 4 : 2)));
      await new Promise((r) => setTimeout(r, 2));
    }
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe(20n));
    expect(h.inserts.slice(1).length).toBeLessThanOrEqual(2);
    expect(h.inserts.flat()).toEqual(range(0, 19).map((r) => Number(r.offset)));
  });

  it('cuts the tail of a backlog at once when the partition reaches its end', async () => {
    const h = harness({}, { maxRows: 10, maxBytes: 1e9, maxAgeMs: 60_000 });
    h.sink.accept(range(0, 14), 14n, 30n); // a backlog: cut at 10 rows, 5 left
    h.sink.accept(range(15, 29), 29n, 30n); // the end of it
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe(30n));
    expect(h.inserts.flat()).toEqual(range(0, 29).map((r) => Number(r.offset)));
  });

  it('commits offsets of batches that produced no rows', async () => {
    const h = harness();
    h.sink.accept([], 4n, 5n);
    await vi.waitFor(() => expect(h.commits).toEqual([5n]));
    expect(h.progress).toEqual([]);
  });

  it('pauses when batches pile up behind a slow insert, and resumes when they drain', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness({
      insert: async () => {
        await gate;
      },
    });
    h.sink.accept(range(0, 9), 9n, 40n);
    h.sink.accept(range(10, 19), 19n, 40n);
    h.sink.accept(range(20, 29), 29n, 40n);
    expect(h.events).toEqual(['pause']);
    release();
    await vi.waitFor(() => expect(h.commits).toEqual([10n, 20n, 30n]));
    expect(h.events).toContain('resume');
  });

  it('lets rows due by interval wait for the batch in flight and go out with it as one larger insert', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const h = harness({
      insert: async (rows) => {
        if (first) {
          first = false;
          await gate;
        }
        h.inserts.push(rows.map((r) => Number(r.offset)));
      },
    });
    h.sink.accept(range(0, 9), 9n, 100n);
    h.sink.accept(range(10, 12), 12n, 100n);
    await new Promise((r) => setTimeout(r, 60)); // twice the interval
    h.sink.accept(range(13, 15), 15n, 100n);
    release();
    await vi.waitFor(() => expect(h.commits).toEqual([10n, 16n]));
    expect(h.inserts).toEqual([range(0, 9), range(10, 15)].map((rows) => rows.map((r) => Number(r.offset))));
  });

  it('writes at once when a backlog is read to the end, and batches by the interval while keeping up', async () => {
    const h = harness({}, { maxRows: 1000, maxBytes: 1e9, maxAgeMs: 60_000 });
    h.sink.accept(range(0, 4), 4n, 100n);
    h.sink.accept(range(5, 9), 9n, 10n); // the end of the partition
    await vi.waitFor(() => expect(h.commits).toEqual([10n]));
    h.sink.accept(range(10, 12), 12n, 13n);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.inserts).toEqual([range(0, 9).map((r) => Number(r.offset))]);
  });

  it('writes nothing more once revoked', async () => {
    const h = harness();
    h.controls.down = true;
    h.sink.accept(range(0, 9), 9n, 10n);
    await vi.waitFor(() => expect(h.events).toContain('pause'));
    h.sink.revoke();
    h.controls.down = false;
    await new Promise((r) => setTimeout(r, 50));
    expect(h.inserts).toEqual([]);
    expect(h.commits).toEqual([]);
    expect(h.events.at(-1)).toBe('resume');
  });

  it('filters records at or below the watermark before they are decoded, once the watermark is read', async () => {
    const h = harness();
    h.controls.watermark = 6n;
    await h.sink.ready();
    const messages = range(0, 9).map((r) => r.message);
    expect(h.sink.unhandled(messages, 10n).map((m) => m.offset)).toEqual(['7', '8', '9']);
    h.sink.accept(range(7, 9), 9n, 10n);
    // Redelivered after a rebalance: nothing new.
    expect(h.sink.unhandled(messages, 10n)).toEqual([]);
    await vi.waitFor(() => expect(h.commits).toEqual([10n]));
    expect(h.inserts).toEqual([[7, 8, 9]]);
  });

  it('flushes early when over its memory share, and pauses while batches wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness({ memoryShare: () => 1500, insert: () => gate }, { maxRows: 1000, maxBytes: 1e9, maxAgeMs: 60_000 });
    h.sink.accept(range(0, 4), 4n, 100n); // about 1.7 KB estimated: over the share, cut at once
    h.sink.accept(range(5, 9), 9n, 100n);
    h.sink.accept(range(10, 14), 14n, 100n);
    expect(h.events).toContain('pause');
    release();
    await vi.waitFor(() => expect(h.commits).toEqual([5n, 10n, 15n]));
    expect(h.events.at(-1)).toBe('resume');
  });
});
