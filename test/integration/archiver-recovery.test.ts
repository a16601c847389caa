// The archiver's failure contract against s3rver: a crash between upload and commit rewrites the same
// object (same key, same bytes), and an S3 outage (the real s3rver child stopped, then restarted on the same
// port and directory) loses and duplicates nothing.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { archiveSchema, decodeArchiveObject, listAll, openObjectStore, type ObjectStore } from '@ckt/archive';
import { createKafka, createPublisher, kafkaSchema, topicIdsOf, type Kafka } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { archiverSchema, startArchiver, type StoredObject } from '@ckt/topic-archiver';
import { ARCHIVE_BUCKET, startS3, type S3Server } from '@ckt/local-stack';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { until } from '../helpers/wait.ts';
import { sumSamples } from '../helpers/metrics.ts';

const stack = withStack({
  topics: [
    { name: 'recovery.crash.dlq', partitions: 1 },
    { name: 'recovery.outage.dlq', partitions: 1 },
  ],
  components: { registry: false },
});
const logger = createLogger('archiver-recovery-test', { LOG_LEVEL: 'silent' });
let kafka: Kafka;
let s3Store: ObjectStore;
let restartedS3: S3Server | undefined;

function archiverConfig(topic: string, overrides: Record<string, string> = {}) {
  return loadConfig(archiverSchema, {
    ...stack().env(),
    ARCHIVE_TOPIC: topic,
    ARCHIVE_GROUP_ID: `archiver-${topic}`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...QUIET_SERVICE_ENV,
    ARCHIVE_RETRY_INITIAL_MS: '100',
    ARCHIVE_RETRY_MAX_MS: '500',
    ...overrides,
  });
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  const base = Date.parse('2025-03-27T20:00:00.000Z');
  await publisher.send(
    topic,
    Array.from({ length: count }, (_, i) => ({
      key: `k${from + i}`,
      value: `{"n":${from + i}}`,
      timestamp: String(base + (from + i) * 1000),
      headers: { 'dlq.reason': 'invalid_payload', 'dlq.source.topic': 'checkout.events.raw' },
    })),
  );
  await publisher.disconnect();
}

async function committed(topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId: `archiver-${topic}`, topics: [topic] });
    return result?.partitions[0]?.offset ?? 'none';
  } finally {
    await admin.disconnect();
  }
}

/** Every archived offset of a topic, in key order; a duplicate or a gap shows up here. */
async function archivedOffsets(topic: string): Promise<string[]> {
  const offsets: string[] = [];
  for (const key of await listAll(s3Store, `${topic}/`)) offsets.push(...decodeArchiveObject((await s3Store.get(key)) as Buffer).map((r) => r.offset));
  return offsets;
}

const range = (count: number) => Array.from({ length: count }, (_, i) => String(i));
/** Topic ids by topic: the last part of every key. */
const topicIds = new Map<string, string>();
const key = (topic: string, offset: number) => `${topic}/dt=2025-03-27/hour=20/${topic}+0+${String(offset).padStart(10, '0')}+${topicIds.get(topic)}.ndjson.gz`;

/** The S3 store with every put recorded, so a test can see what was written, and when. */
function recording(store: ObjectStore, puts: Array<{ key: string; body: Buffer }>): ObjectStore {
  return { ...store, location: store.location, get: (k) => store.get(k), list: (p) => store.list(p), put: async (k, b, o) => {
    await store.put(k, b, o);
    puts.push({ key: k, body: b });
  } };
}

beforeAll(async () => {
  const env = stack().env();
  kafka = createKafka(loadConfig(kafkaSchema, env), logger);
  for (const [topic, id] of await topicIdsOf(kafka, ['recovery.crash.dlq', 'recovery.outage.dlq'])) topicIds.set(topic, id);
  // The store the archiver itself opens for this ARCHIVE_URL, with the smallest part size S3 allows.
  s3Store = openObjectStore(loadConfig(archiveSchema, { ...env, ARCHIVE_URL: `s3://${ARCHIVE_BUCKET}`, S3_MULTIPART_PART_BYTES: String(5 * 1024 * 1024) }));
});
afterAll(async () => {
  await s3Store?.close();
  await restartedS3?.stop();
});

describe('dlq-archiver recovery', () => {
  it('after a crash between upload and commit, the next run rewrites the same key with the same bytes', async () => {
    const topic = 'recovery.crash.dlq';
    await produce(topic, 0, 2);
    // First run: the two records are stored by the age rule, then the process "dies" before committing.
    let stored: StoredObject | undefined;
    const first = await startArchiver(archiverConfig(topic, { ARCHIVE_MAX_RECORDS: '3', ARCHIVE_MAX_AGE_MS: '300' }), {
      logger,
      afterStore: async (object, signal) => {
        stored = object;
        await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
        throw new Error('simulated crash before commit');
      },
    });
    await until(() => stored !== undefined, 'the first object to be stored');
    expect(stored).toMatchObject({ key: key(topic, 0), startOffset: '0', endOffset: '1' });
    const crashedBytes = (await s3Store.get(key(topic, 0))) as Buffer;
    await first.stop();
    expect(await committed(topic)).toBe('-1');

    // More records arrive; a fresh run would cut [0-2] by count, but must reproduce the stored [0-1].
    await produce(topic, 2, 3);
    const puts: Array<{ key: string; body: Buffer }> = [];
    const second = await startArchiver(archiverConfig(topic, { ARCHIVE_MAX_RECORDS: '3', ARCHIVE_MAX_AGE_MS: '60000' }), {
      logger,
      store: recording(s3Store, puts),
    });
    try {
      await until(async () => (await committed(topic)) === '5', 'all five records to be committed');
    } finally {
      await second.stop();
    }
    expect(puts.map((p) => p.key)).toEqual([key(topic, 0), key(topic, 2)]);
    expect(puts[0]?.body).toEqual(crashedBytes);
    expect(await s3Store.get(key(topic, 0))).toEqual(crashedBytes);
    expect(await archivedOffsets(topic)).toEqual(range(5));
  });

  it('while S3 is down, retries with backoff, commits nothing, and then archives every record exactly once', async () => {
    const topic = 'recovery.outage.dlq';
    const archiver = await startArchiver(archiverConfig(topic, { ARCHIVE_MAX_RECORDS: '5', ARCHIVE_MAX_AGE_MS: '300' }), { logger });
    const metric = async (name: string) => {
      const text = await (await fetch(`${archiver.health.url}/metrics`)).text();
      return sumSamples(text, name);
    };
    try {
      await produce(topic, 0, 5);
      await until(async () => (await committed(topic)) === '5', 'the first object before the outage');

      const s3 = stack().s3;
      const port = Number(new URL(s3.endpoint).port);
      await s3.stop();
      // A full object (count rule) and a partial one (age rule) are due while the store is down.
      await produce(topic, 5, 7);
      await until(async () => (await metric('archive_upload_failures_total')) >= 3, 'several failed attempts');
      expect(await committed(topic)).toBe('5');
      expect((await fetch(`${archiver.health.url}/readyz`)).status).toBe(503);

      restartedS3 = await startS3({ dir: path.join(stack().dataDir, 's3'), buckets: [ARCHIVE_BUCKET], port });
      await until(async () => (await committed(topic)) === '12', 'the records held during the outage');
      expect((await fetch(`${archiver.health.url}/readyz`)).status).toBe(200);
    } finally {
      await archiver.stop();
    }
    expect(await listAll(s3Store, `${topic}/`)).toEqual([key(topic, 0), key(topic, 5), key(topic, 10)]);
    expect(await archivedOffsets(topic)).toEqual(range(12));
  });
});
