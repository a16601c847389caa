import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import type { Cutter, CutBatch, CutTrigger } from './cutter.ts';
import { createSinkEngine, type SinkEngine } from './partitioned-sink.ts';
import type { SinkStore } from './store.ts';

const logger = createLogger('sink-engine-test', { LOG_LEVEL: 'silent' });
const TP = { topic: 't', partition: 0 };

interface Item {
  offset: bigint;
}

/** Cut rules of the test: at `maxItems`, or `intervalMs` after the first item (timed). */
class CountCutter implements Cutter<Item> {
  private items: Item[] = [];
  private covered: bigint | undefined;
  private firstAt: number | undefined;
  constructor(private readonly maxItems: number, private readonly intervalMs: number) {}
  get itemCount() {
    return this.items.length;
  }
  get oldestAt() {
    return this.firstAt;
  }
  add(items: readonly Item[], through: bigint, now: number) {
    this.items.push(...items);
    if (this.items.length > 0) this.firstAt ??= now;
    if (this.covered === undefined || through > this.covered) this.covered = through;
  }
  due(now: number): CutTrigger | undefined {
    if (this.items.length >= this.maxItems) return 'rows';
    return this.firstAt !== undefined && now >= this.firstAt + this.intervalMs ? 'interval' : undefined;
  }
  dueAt() {
    return this.firstAt === undefined ? undefined : this.firstAt + this.intervalMs;
  }
  hasPending() {
    return this.covered !== undefined;
  }
  cut(trigger: CutTrigger): CutBatch<Item> | undefined {
    if (this.covered === undefined) return undefined;
    const items = this.items.splice(0, this.maxItems);
    let coveredThrough = this.covered;
    if (this.items.length > 0) coveredThrough = (items.at(-1) as Item).offset;
    else [this.covered, this.firstAt] = [undefined, undefined];
    return { items, coveredThrough, trigger };
  }
  restore(batch: CutBatch<Item>) {
    this.items.unshift(...batch.items);
    if (this.covered === undefined || batch.coveredThrough > this.covered) this.covered = batch.coveredThrough;
    if (batch.items.length > 0) this.firstAt = 0;
  }
  clear() {
    const items = this.items;
    [this.items, this.covered, this.firstAt] = [[], undefined, undefined];
    return items;
  }
}

const message = (offset: number) => ({ offset: String(offset) }) as KafkaMessage;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface Harness {
  engine: SinkEngine;
  /** Offsets of each write the store made durable. */
  writes: number[][];
  commits: string[];
  events: string[];
  /** What the store does next: fail, hold writes until released, write only a prefix. */
  controls: { down: boolean; gate?: Promise<void>; shortThrough?: bigint; bug?: boolean; watermark?: bigint };
  fetch(from: number, to: number, logEnd?: number): Promise<void>;
}

const engines: SinkEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.abort();
  vi.useRealTimers();
});

function harness({ maxItems = 10, intervalMs = 30, maxBufferedBytes, withWatermark = true }: { maxItems?: number; intervalMs?: number; maxBufferedBytes?: number; withWatermark?: boolean } = {}): Harness {
  const h = { writes: [] as number[][], commits: [] as string[], events: [] as string[], controls: { down: false } as Harness['controls'] };
  const store: SinkStore<Item> = {
    prepare: async (_tp, messages) => messages.map((m) => ({ offset: BigInt(m.offset) })),
    cutter: () => new CountCutter(maxItems, intervalMs),
    ...(withWatermark ? { watermark: async () => h.controls.watermark } : {}),
    async write(_tp, batch, ctx) {
      return ctx.retry('write', async () => {
        if (h.controls.bug) throw new TypeError('a bug');
        if (h.controls.down) throw new Error('store down');
        await h.controls.gate;
        const short = h.controls.shortThrough;
        const items = short === undefined ? batch.items : batch.items.filter((item) => item.offset <= short);
        h.controls.shortThrough = undefined;
        h.writes.push(items.map((item) => Number(item.offset)));
        h.events.push(`write ${items[0]?.offset}-${items.at(-1)?.offset}`);
        return short;
      }, (error) => !(error instanceof TypeError));
    },
    memoryOf: () => 500,
  };
  const engine = createSinkEngine(
    { store, backoff: { initialMs: 2, maxMs: 4 }, maxBufferedBytes, logger },
    {
      commit: async (offsets) => {
        for (const o of offsets) {
          h.commits.push(o.offset);
          h.events.push(`commit ${o.offset}`);
        }
      },
      pause: () => h.events.push('pause'),
      resume: () => h.events.push('resume'),
    },
  );
  engines.push(engine);
  engine.onAssignment([TP]);
  const context = { heartbeat: async () => {}, signal: new AbortController().signal };
  const fetch = (from: number, to: number, logEnd = to + 1) =>
    engine.handle({ ...TP, messages: range(from, to).map(message), highWatermark: String(logEnd) }, context);
  return { engine, ...h, fetch };
}

describe('sink engine', () => {
  it('writes batches in offset order and commits each only after the store made it durable', async () => {
    vi.useFakeTimers();
    const h = harness({ intervalMs: 1000 });
    await h.fetch(0, 24, 100);
    await vi.advanceTimersByTimeAsync(10);
    expect(h.events).toEqual(['write 0-9', 'commit 10', 'write 10-19', 'commit 20']);
    // The rest goes out on the interval.
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.commits).toEqual(['10', '20', '25']);
    expect(h.writes).toEqual([range(0, 9), range(10, 19), range(20, 24)]);
  });

  it('skips what the store already holds (a replay) and still commits it', async () => {
    const h = harness();
    h.controls.watermark = 14n;
    await h.fetch(0, 19);
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe('20'));
    expect(h.writes.flat()).toEqual(range(15, 19));
  });

  it('drops records fetched again while they are still being handled', async () => {
    const h = harness();
    await h.fetch(0, 5);
    await h.fetch(3, 8);
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe('9'));
    expect(h.writes.flat()).toEqual(range(0, 8));
  });

  it('pauses the partition while the store fails, retries the same batch, then resumes and commits', async () => {
    const h = harness();
    h.controls.down = true;
    await h.fetch(0, 9);
    await vi.waitFor(() => expect(h.events).toEqual(['pause']));
    expect(h.engine.retrying()).toBe(true);
    h.controls.down = false;
    await vi.waitFor(() => expect(h.commits).toEqual(['10']));
    expect(h.events).toEqual(['pause', 'write 0-9', 'resume', 'commit 10']);
    expect(h.engine.retrying()).toBe(false);
  });

  it('commits fetches that produced no items', async () => {
    const h = harness();
    h.controls.watermark = 4n;
    await h.fetch(0, 4, 5);
    await vi.waitFor(() => expect(h.commits).toEqual(['5']));
    expect(h.writes).toEqual([]);
  });

  it('pauses when batches pile up behind a slow write, and resumes when they are written', async () => {
    const h = harness();
    let release!: () => void;
    h.controls.gate = new Promise<void>((resolve) => (release = resolve));
    await h.fetch(0, 9, 40);
    await h.fetch(10, 19, 40);
    await h.fetch(20, 29, 40);
    expect(h.events).toEqual(['pause']);
    release();
    await vi.waitFor(() => expect(h.commits).toEqual(['10', '20', '30']));
    expect(h.events).toContain('resume');
  });

  it('lets items due by time wait for the batch in flight, and writes them with later ones as one batch', async () => {
    vi.useFakeTimers();
    const h = harness({ intervalMs: 30 });
    let release!: () => void;
    h.controls.gate = new Promise<void>((resolve) => (release = resolve));
    await h.fetch(0, 9, 100);
    await h.fetch(10, 12, 100);
    await vi.advanceTimersByTimeAsync(60); // twice the interval: due, but a batch is in flight
    await h.fetch(13, 15, 100);
    release();
    await vi.waitFor(() => expect(h.commits).toEqual(['10', '16']));
    expect(h.writes).toEqual([range(0, 9), range(10, 15)]);
  });

  it('writes nothing more of a revoked partition, and resumes it for the next owner', async () => {
    const h = harness();
    h.controls.down = true;
    await h.fetch(0, 9);
    await vi.waitFor(() => expect(h.events).toEqual(['pause']));
    const retiring = h.engine.partitions();
    expect(retiring).toEqual([{ ...TP, bufferedItems: 0, oldestAt: undefined }]);
    h.engine.onAssignment([]);
    h.controls.down = false;
    expect(h.events).toEqual(['pause', 'resume']);
    expect(h.engine.partitions()).toEqual([]);
    // The revoked writer's retry stops at its next attempt; a new owner of the partition writes after it.
    h.engine.onAssignment([TP]);
    await h.fetch(0, 9);
    await vi.waitFor(() => expect(h.commits).toEqual(['10']));
    expect(h.writes).toEqual([range(0, 9)]);
  });

  it('cuts early over its memory share, and pauses while batches wait', async () => {
    const h = harness({ maxItems: 1000, intervalMs: 60_000, maxBufferedBytes: 1500 });
    let release!: () => void;
    h.controls.gate = new Promise<void>((resolve) => (release = resolve));
    await h.fetch(0, 4, 100); // 2.5 KB estimated: over the share, cut at once
    await h.fetch(5, 9, 100);
    await h.fetch(10, 14, 100);
    expect(h.events).toContain('pause');
    release();
    await vi.waitFor(() => expect(h.commits).toEqual(['5', '10', '15']));
    expect(h.events.at(-1)).toBe('resume');
  });

  it('cuts again what a store made durable only in part, and the batches cut after it, in order', async () => {
    const h = harness();
    h.controls.shortThrough = 5n;
    await h.fetch(0, 19); // two batches cut at once: [0-9] written short, [10-19] waiting
    await vi.waitFor(() => expect(h.commits).toEqual(['6', '16', '20']));
    expect(h.writes).toEqual([range(0, 5), range(6, 15), range(16, 19)]);
  });

  it('stops a partition on an unexpected error instead of skipping its batch', async () => {
    const h = harness();
    h.controls.bug = true;
    await h.fetch(0, 9);
    await vi.waitFor(() => expect(h.engine.healthy()).toBe(false));
    expect(h.events).toEqual(['pause']);
    expect(h.commits).toEqual([]);
  });

  it('starts a partition over when a fetch comes below what it was handed (a batch fetched ahead came first)', async () => {
    const h = harness({ maxItems: 3, withWatermark: false });
    let release!: () => void;
    h.controls.gate = new Promise<void>((resolve) => (release = resolve));
    await h.fetch(2, 7, 100); // ahead of the committed position: [2-4] is being written, [5-7] waits
    await h.fetch(0, 7, 100); // from the committed position
    release();
    await vi.waitFor(() => expect(h.commits.at(-1)).toBe('8'));
    // The batch in flight was written but not committed; everything from offset 0 was written again, in order.
    expect(h.writes).toEqual([range(2, 4), range(0, 2), range(3, 5), range(6, 7)]);
    expect(h.commits).toEqual(['3', '6', '8']);
  });

  it('drains: pauses, writes and commits what is buffered, however young', async () => {
    const h = harness({ intervalMs: 60_000, withWatermark: false });
    await h.fetch(0, 3);
    expect(h.writes).toEqual([]);
    expect(h.engine.partitions()).toMatchObject([{ bufferedItems: 4 }]);
    await expect(h.engine.drain(5000)).resolves.toBe(true);
    expect(h.events).toEqual(['pause', 'write 0-3', 'commit 4']);
  });
});
