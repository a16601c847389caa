import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMemoryStore, decodeArchiveObject, type ObjectStore, type SourceRecord } from '@ckt/archive';
import { createLogger } from '@ckt/logging';
import { createArchiveMetrics } from './archive-metrics.ts';
import { PartitionArchiver, type PartitionArchiverOptions } from './partition-archiver.ts';

const logger = createLogger('test', { LOG_LEVEL: 'silent' });
const T20 = Date.parse('2025-03-27T20:59:00.000Z');
const T21 = Date.parse('2025-03-27T21:00:00.000Z');

function records(from: number, count: number, hourChangeAt = Infinity): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const offset = from + i;
    return {
      offset: String(offset),
      timestamp: String(offset >= hourChangeAt ? T21 + offset : T20 + offset),
      key: Buffer.from(`k${offset}`),
      value: Buffer.from(`{"n":${offset}}`),
      headers: { 'dlq.reason': offset % 2 ? 'invalid_json' : 'unknown_event_name' },
    };
  });
}

function harness(overrides: Partial<PartitionArchiverOptions> = {}, store: ObjectStore = createMemoryStore()) {
  const events: string[] = [];
  const commits: string[] = [];
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
  let clock = 0;
  const archiver = new PartitionArchiver({
    topic: 'checkout.dlq',
    partition: 4,
    topicId: async () => '',
    store: recording,
    limits: { maxRecords: 10, maxBytes: 1_000_000 },
    logger,
    now: () => clock,
    commit: async (offset) => {
      commits.push(offset);
      events.push(`commit ${offset}`);
    },
    ...overrides,
  });
  return { archiver, events, commits, advance: (ms: number) => (clock += ms) };
}

async function archivedOffsets(store: ObjectStore): Promise<string[]> {
  const offsets: string[] = [];
  for await (const key of store.list()) offsets.push(...decodeArchiveObject((await store.get(key)) as Buffer).map((r) => r.offset));
  return offsets;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('PartitionArchiver', () => {
  it('stores each complete object, then commits its end, and keeps the open object uncommitted', async () => {
    const store = createMemoryStore();
    const registry = new Registry();
    const { archiver, events } = harness({ metrics: createArchiveMetrics(registry) }, store);
    await archiver.add(records(0, 23));
    expect(events).toEqual(['put checkout.dlq+4+0000000000.ndjson.gz', 'commit 10', 'put checkout.dlq+4+0000000010.ndjson.gz', 'commit 20']);
    expect(archiver.buffered).toBe(3);
    expect(await archivedOffsets(store)).toEqual(range(0, 20));
    const metrics = await registry.getSingleMetricAsString('archive_records_total');
    expect(metrics).toContain('archive_records_total{topic="checkout.dlq",reason="invalid_json"} 10');
    expect(metrics).toContain('archive_records_total{topic="checkout.dlq",reason="unknown_event_name"} 10');
  });

  it('cuts the same objects however the records are split into fetches', async () => {
    const snapshot = async (chunks: number[]) => {
      const store = createMemoryStore();
      const { archiver } = harness({}, store);
      let next = 0;
      for (const size of chunks) {
        await archiver.add(records(next, size, 13));
        next += size;
      }
      return store.objects;
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

  it('keeps records while the store fails and stores them once when it works again', async () => {
    const store = createMemoryStore();
    let down = true;
    const flaky: ObjectStore = { ...store, location: store.location, list: (p) => store.list(p), get: (k) => store.get(k), put: (k, b) => (down ? Promise.reject(new Error('ECONNREFUSED')) : store.put(k, b)) };
    const { archiver, commits } = harness({}, flaky);
    const batch = records(0, 15);
    await expect(archiver.add(batch)).rejects.toThrow('ECONNREFUSED');
    await expect(archiver.add(batch)).rejects.toThrow('ECONNREFUSED');
    expect(commits).toEqual([]);
    down = false;
    await archiver.add(batch); // the consumer runner hands the same batch again
    await archiver.add(records(15, 5));
    expect(commits).toEqual(['10', '20']);
    expect(await archivedOffsets(store)).toEqual(range(0, 20));
  });

  it('retries a failed commit before anything else, without storing the object again', async () => {
    let failCommit = true;
    const { archiver, events } = harness({
      commit: async (offset) => {
        if (failCommit) throw new Error(`commit ${offset} refused`);
        events.push(`commit ${offset}`);
      },
    });
    await expect(archiver.add(records(0, 12))).rejects.toThrow('commit 10 refused');
    failCommit = false;
    await archiver.add(records(0, 12));
    expect(events).toEqual(['put checkout.dlq+4+0000000000.ndjson.gz', 'commit 10']);
    expect(archiver.buffered).toBe(2);
  });

  it('after a crash between upload and commit, rewrites the stored object with the same bytes, even one cut by age', async () => {
    const store = createMemoryStore();
    const first = harness({ afterStore: async () => Promise.reject(new Error('crash')) }, store);
    await first.archiver.add(records(0, 4));
    first.advance(60_000);
    await expect(first.archiver.flushIfOlderThan(30_000)).rejects.toThrow('crash');
    expect(first.commits).toEqual([]);
    const [key, crashedBytes] = [...store.objects][0] as [string, Buffer];

    // The next owner reads from the committed offset (0), with more records available and different limits.
    const second = harness({ limits: { maxRecords: 3, maxBytes: 1_000_000 } }, store);
    await second.archiver.add(records(0, 9));
    expect(second.events[0]).toBe('put checkout.dlq+4+0000000000.ndjson.gz');
    expect(store.objects.get(key)).toEqual(crashedBytes);
    expect(second.commits).toEqual(['4', '7']);
    expect(await archivedOffsets(store)).toEqual(range(0, 7));
  });

  it('waits for the adopted end before closing the object, even when the age limit passes', async () => {
    const store = createMemoryStore();
    const first = harness({ afterStore: async () => Promise.reject(new Error('crash')) }, store);
    await expect(first.archiver.add(records(0, 10))).rejects.toThrow('crash');
    const second = harness({ limits: { maxRecords: 3, maxBytes: 1_000_000 } }, store);
    await second.archiver.add(records(0, 5));
    second.advance(120_000);
    expect(await second.archiver.flushIfOlderThan(1000)).toBe(false);
    expect(second.commits).toEqual([]);
    await second.archiver.add(records(5, 5));
    expect(second.commits).toEqual(['10']);
    expect(await archivedOffsets(store)).toEqual(range(0, 10));
  });

  it('ignores redelivered records and starts over when the consumer rewinds past what it saw', async () => {
    const store = createMemoryStore();
    const { archiver, commits } = harness({}, store);
    await archiver.add(records(5, 4));
    await archiver.add(records(5, 8)); // redelivery overlapping the buffer
    expect(archiver.buffered).toBe(8);
    await archiver.add(records(3, 3)); // rewound before anything seen (offsets reset)
    expect(archiver.buffered).toBe(3);
    await archiver.add(records(6, 7));
    expect(commits).toEqual(['13']);
    expect(await archivedOffsets(store)).toEqual(range(3, 10));
  });

  it('writes the open object once its oldest record is old enough', async () => {
    const store = createMemoryStore();
    const { archiver, commits, advance } = harness({}, store);
    await archiver.add(records(0, 2));
    advance(999);
    expect(await archiver.flushIfOlderThan(1000)).toBe(false);
    advance(1);
    expect(await archiver.flushIfOlderThan(1000)).toBe(true);
    expect(commits).toEqual(['2']);
    expect(archiver.oldestAgeMs()).toBe(0);
  });

  it('does no more work once closed (partition revoked)', async () => {
    const { archiver, commits } = harness();
    await archiver.add(records(0, 2));
    await archiver.close();
    await expect(archiver.add(records(2, 10))).rejects.toThrow(/closed/);
    expect(await archiver.flushIfOlderThan(0)).toBe(false);
    expect(commits).toEqual([]);
  });
});
