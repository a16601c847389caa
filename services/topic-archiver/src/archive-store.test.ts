import { afterEach, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { createMemoryStore, decodeArchiveObject, type ObjectStore } from '@ckt/archive';
import type { KafkaMessage } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createSinkEngine, type SinkEngine } from '@ckt/partitioned-sink';
import { createArchiveMetrics } from './archive-metrics.ts';
import { ArchiveStore, type ArchiveStoreOptions } from './archive-store.ts';

const logger = createLogger('archive-store-test', { LOG_LEVEL: 'silent' });
const TP = { topic: 'checkout.dlq', partition: 4 };
const T20 = Date.parse('2025-03-27T20:59:00.000Z');
const T21 = Date.parse('2025-03-27T21:00:00.000Z');

function records(from: number, count: number, hourChangeAt = Infinity): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const offset = from + i;
    return {
      offset: String(offset),
      timestamp: String(offset >= hourChangeAt ? T21 + offset : T20 + offset),
      key: Buffer.from(`k${offset}`),
      value: Buffer.from(`{"n":${offset}}`),
      headers: { 'dlq.reason': offset % 2 ? 'invalid_json' : 'unknown_event_name' },
      attributes: 0,
    } as KafkaMessage;
  });
}

const engines: SinkEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.abort();
  vi.useRealTimers();
});

/** The archive store on the sink engine, over `store`, with every put and commit recorded. */
function harness(store: ObjectStore & { objects: Map<string, Buffer> } = createMemoryStore(), overrides: Partial<ArchiveStoreOptions> = {}) {
  const events: string[] = [];
  const commits: string[] = [];
  const registry = new Registry();
  const recording: ObjectStore = {
    ...store,
    location: store.location,
    list: (p) => store.list(p),
    get: (k) => store.get(k),
    put: async (key, body, options) => {
      await store.put(key, body, options);
      events.push(`put ${key.split('/').at(-1)}`);
    },
  };
  const engine = createSinkEngine(
    {
      store: new ArchiveStore({
        store: recording,
        limits: { maxRecords: 10, maxBytes: 1_000_000 },
        maxAgeMs: 1000,
        topicId: async () => '',
        metrics: createArchiveMetrics(registry),
        logger,
        ...overrides,
      }),
      backoff: { initialMs: 2, maxMs: 4 },
      logger,
    },
    {
      commit: async (offsets) => {
        for (const o of offsets) {
          commits.push(o.offset);
          events.push(`commit ${o.offset}`);
        }
      },
      pause: () => {},
      resume: () => {},
    },
  );
  engines.push(engine);
  engine.onAssignment([TP]);
  const context = { heartbeat: async () => {}, signal: new AbortController().signal };
  const fetch = (messages: KafkaMessage[]) => engine.handle({ ...TP, messages, highWatermark: '1000' }, context);
  return { engine, store, events, commits, registry, fetch };
}

async function archivedOffsets(store: ObjectStore): Promise<string[]> {
  const offsets: string[] = [];
  for await (const key of store.list()) offsets.push(...decodeArchiveObject((await store.get(key)) as Buffer).map((r) => r.offset));
  return offsets;
}

/** After an upload: the partition is lost (its retries stop) and the write fails, so nothing is committed. */
const crash = (engine: () => SinkEngine) => async () => {
  engine().onAssignment([]);
  throw new Error('crash before commit');
};

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('the object store as the sink engine\'s store', () => {
  it('stores each complete object, then commits its end, and keeps the open object uncommitted', async () => {
    const h = harness();
    await h.fetch(records(0, 23));
    await vi.waitFor(() => expect(h.commits).toEqual(['10', '20']));
    expect(h.events).toEqual(['put checkout.dlq+4+0000000000.ndjson.gz', 'commit 10', 'put checkout.dlq+4+0000000010.ndjson.gz', 'commit 20']);
    expect(h.engine.partitions()).toMatchObject([{ ...TP, bufferedItems: 3 }]);
    expect(await archivedOffsets(h.store)).toEqual(range(0, 20));
    const metrics = await h.registry.getSingleMetricAsString('archive_records_total');
    expect(metrics).toContain('archive_records_total{topic="checkout.dlq",reason="invalid_json"} 10');
    expect(metrics).toContain('archive_records_total{topic="checkout.dlq",reason="unknown_event_name"} 10');
  });

  it('cuts the same objects however the records are split into fetches', async () => {
    const snapshot = async (chunks: number[]) => {
      const h = harness();
      let next = 0;
      for (const size of chunks) {
        await h.fetch(records(next, size, 13));
        next += size;
      }
      await vi.waitFor(() => expect(h.commits.at(-1)).toBe('23'));
      return h.store.objects;
    };
    const whole = await snapshot([30]);
    expect([...whole.keys()]).toEqual([
      'checkout.dlq/dt=2025-03-27/hour=20/checkout.dlq+4+0000000000.ndjson.gz',
      'checkout.dlq/dt=2025-03-27/hour=20/checkout.dlq+4+0000000010.ndjson.gz',
      'checkout.dlq/dt=2025-03-27/hour=21/checkout.dlq+4+0000000013.ndjson.gz',
    ]);
    expect(await snapshot(Array.from({ length: 30 }, () => 1))).toEqual(whole);
    expect(await snapshot([7, 3, 15, 5])).toEqual(whole);
  });

  it('keeps records while the store fails, retries, and stores them once when it works again', async () => {
    const store = createMemoryStore();
    let down = true;
    let attempts = 0;
    const flaky = { ...store, list: store.list, get: store.get, put: (k: string, b: Buffer) => (++attempts && down ? Promise.reject(new Error('ECONNREFUSED')) : store.put(k, b)) };
    const h = harness(flaky);
    await h.fetch(records(0, 15));
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(3));
    expect(h.commits).toEqual([]);
    expect(h.engine.retrying()).toBe(true);
    down = false;
    await h.fetch(records(15, 5));
    await vi.waitFor(() => expect(h.commits).toEqual(['10', '20']));
    expect(await archivedOffsets(store)).toEqual(range(0, 20));
    const failures = /archive_upload_failures_total\{topic="checkout.dlq"\} (\d+)/.exec(await h.registry.getSingleMetricAsString('archive_upload_failures_total'));
    expect(Number(failures?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('after a crash between upload and commit, rewrites the stored object with the same bytes, even one cut by age', async () => {
    vi.useFakeTimers();
    const store = createMemoryStore();
    // The "crash": the partition is lost right after the upload, before its commit.
    const first = harness(store, { afterStore: crash(() => first.engine) });
    await first.fetch(records(0, 4));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(first.events).toEqual(['put checkout.dlq+4+0000000000.ndjson.gz']));
    const [key, crashedBytes] = [...store.objects][0] as [string, Buffer];

    // The next owner reads from the committed offset (0), with more records available and different limits.
    const second = harness(store, { limits: { maxRecords: 3, maxBytes: 1_000_000 } });
    await second.fetch(records(0, 9));
    await vi.waitFor(() => expect(second.commits).toEqual(['4', '7']));
    expect(second.events[0]).toBe('put checkout.dlq+4+0000000000.ndjson.gz');
    expect(store.objects.get(key)).toEqual(crashedBytes);
    expect(await archivedOffsets(store)).toEqual(range(0, 7));
    expect(await second.registry.getSingleMetricAsString('archive_objects_adopted_total')).toContain('} 1');
  });

  it('waits for the adopted end before closing the object, even when the age limit passes', async () => {
    vi.useFakeTimers();
    const store = createMemoryStore();
    const first = harness(store, { afterStore: crash(() => first.engine) });
    await first.fetch(records(0, 10));
    await vi.waitFor(() => expect(first.events).toHaveLength(1));
    const second = harness(store, { limits: { maxRecords: 3, maxBytes: 1_000_000 } });
    await second.fetch(records(0, 5));
    await vi.waitFor(async () => expect(await second.registry.getSingleMetricAsString('archive_objects_adopted_total')).toContain('} 1'));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(second.commits).toEqual([]);
    expect(second.engine.partitions()).toMatchObject([{ bufferedItems: 5 }]);
    await second.fetch(records(5, 5));
    await vi.waitFor(() => expect(second.commits).toEqual(['10']));
    expect(await archivedOffsets(store)).toEqual(range(0, 10));
  });

  it('writes the open object once its oldest record is old enough', async () => {
    vi.useFakeTimers();
    const h = harness();
    await h.fetch(records(0, 2));
    await vi.advanceTimersByTimeAsync(999);
    expect(h.engine.partitions()).toMatchObject([{ bufferedItems: 2 }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.engine.partitions()).toMatchObject([{ bufferedItems: 0, oldestAt: undefined }]);
    await vi.waitFor(() => expect(h.commits).toEqual(['2']));
  });

  it('stops a partition whose key holds other records (a re-created topic), never overwriting them', async () => {
    const store = createMemoryStore();
    const other = harness(store);
    await other.fetch(records(100, 10).map((r, i) => ({ ...r, offset: String(i) })));
    await vi.waitFor(() => expect(other.commits).toEqual(['10']));
    const before = new Map(store.objects);
    const h = harness(store);
    await h.fetch(records(0, 10));
    await vi.waitFor(() => expect(h.engine.healthy()).toBe(false));
    expect(h.commits).toEqual([]);
    expect(store.objects).toEqual(before);
    expect(await h.registry.getSingleMetricAsString('archive_object_conflicts_total')).toContain('} 2');
  });
});
