import { Gauge, type Registry } from 'prom-client';
import { openObjectStore, type ObjectStore } from '@ckt/archive';
import { CONSUMER_STOP_TIMEOUT_MS, createConsumerRunner, createKafka, ensureServiceTopics, startLagMonitor, topicIdsOf, type ConsumerRunner, type Kafka } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { within } from '@ckt/resilience';
import { createMetricsRegistry, runShutdownSteps, startHealthServer, type HealthServer, type ShutdownStep } from '@ckt/observability';
import { startAgeFlusher } from './age-flusher.ts';
import { createArchiveMetrics } from './archive-metrics.ts';
import { groupIdOf, type ArchiverConfig } from './config.ts';
import { PartitionArchiver, type StoredObject } from './partition-archiver.ts';

export const SERVICE = 'dlq-archiver';

export interface ArchiverDeps {
  logger?: Logger;
  registry?: Registry;
  kafka?: Kafka;
  /** Default: the store ARCHIVE_URL names. */
  store?: ObjectStore;
  /** Test seam: runs after each object is stored and before its offsets are committed. */
  afterStore?: (object: StoredObject, signal?: AbortSignal) => Promise<void>;
}

export interface Archiver {
  readonly store: ObjectStore;
  readonly runner: ConsumerRunner;
  readonly health: HealthServer;
  readonly groupId: string;
  /** Joined the group and the object store answers. */
  isReady(): boolean;
  /** The shutdown steps, in order, for handleShutdown. */
  readonly shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps. */
  stop(): Promise<void>;
}

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Consumes ARCHIVE_TOPIC and writes its records to the archive, committing offsets only once the objects
 * holding them are stored. Records still buffered at shutdown are not committed: the next owner of the
 * partition reads them again.
 */
export async function startArchiver(config: ArchiverConfig, deps: ArchiverDeps = {}): Promise<Archiver> {
  const name = config.ARCHIVE_SERVICE_NAME;
  const logger = deps.logger ?? createLogger(name, config);
  const registry = deps.registry ?? createMetricsRegistry(name);
  const kafka = deps.kafka ?? createKafka(config, logger, `${config.KAFKA_CLIENT_ID}-${name}`);
  const store = deps.store ?? openObjectStore(config);
  const topic = config.ARCHIVE_TOPIC;
  const groupId = groupIdOf(config);
  const metrics = createArchiveMetrics(registry);
  const backoff = { initialMs: config.ARCHIVE_RETRY_INITIAL_MS, maxMs: config.ARCHIVE_RETRY_MAX_MS };
  const archivers = new Map<string, PartitionArchiver>();
  /** Work of revoked archivers, so a new archiver of the same partition starts after it. */
  const retiring = new Map<string, Promise<void>>();
  let storeHealthy = true;
  /** The topic's incarnation, read again after each assignment (a re-created topic starts its offsets over). */
  let topicId: Promise<string> | undefined;
  const currentTopicId = (): Promise<string> => {
    if (!topicId) {
      const reading = topicIdsOf(kafka, [topic]).then((ids) => ids.get(topic) ?? '');
      // A failed read is tried again by the next caller (the store is retried with backoff).
      reading.catch(() => {
        if (topicId === reading) topicId = undefined;
      });
      topicId = reading;
    }
    return topicId;
  };

  const archiverOf = (partition: number): PartitionArchiver => {
    const id = tp(topic, partition);
    let archiver = archivers.get(id);
    if (!archiver) {
      archiver = new PartitionArchiver({
        topic,
        partition,
        topicId: currentTopicId,
        store,
        limits: { maxRecords: config.ARCHIVE_MAX_RECORDS, maxBytes: config.ARCHIVE_MAX_BYTES },
        commit: (offset) => runner.commit([{ topic, partition, offset }]),
        logger: logger.child({ topic, partition }),
        metrics,
        afterStore: deps.afterStore,
        after: retiring.get(id),
      });
      archivers.set(id, archiver);
    }
    return archiver;
  };

  const runner: ConsumerRunner = createConsumerRunner({
    kafka,
    groupId,
    topics: [topic],
    logger,
    registry,
    commitMode: 'manual',
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.ARCHIVE_PARTITIONS_CONCURRENTLY,
    maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    // Upper bound on what a fetch adds to the buffer beyond one object.
    maxBytesPerPartition: Math.min(config.ARCHIVE_MAX_BYTES, 8 * 1024 * 1024),
    backoff,
    handle: async (batch, { signal }) => {
      try {
        await archiverOf(batch.partition).add(batch.messages, signal);
        storeHealthy = true;
      } catch (error) {
        if (!signal.aborted) storeHealthy = false;
        throw error;
      }
    },
    onAssignment: () => {
      // Every partition starts over from its committed offset after a rebalance, kept ones too (what they held is
      // uncommitted and comes again; a re-created topic starts its offsets over under a new id, read again here).
      topicId = undefined;
      for (const [id, archiver] of archivers) {
        archivers.delete(id);
        retiring.set(id, archiver.close());
        runner.resume(archiver.topic, archiver.partition); // in case the age flusher had paused it
      }
    },
  });

  const flusher = startAgeFlusher({
    maxAgeMs: config.ARCHIVE_MAX_AGE_MS,
    archivers: () => archivers.values(),
    pause: (t, p) => runner.pause(t, p),
    resume: (t, p) => runner.resume(t, p),
    backoff,
    logger,
    onOutcome: (ok) => (storeHealthy = ok),
  });

  new Gauge({
    name: 'archive_buffered_records',
    help: 'Records consumed but not yet in a stored object (uncommitted)',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of archivers.values()) this.set({ topic: a.topic, partition: String(a.partition) }, a.buffered);
    },
  });
  new Gauge({
    name: 'archive_buffer_age_seconds',
    help: 'Age of the oldest record waiting for its object',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of archivers.values()) this.set({ topic: a.topic, partition: String(a.partition) }, a.oldestAgeMs() / 1000);
    },
  });

  /** Stops fetching, then stores every partly filled object, waiting at most `ms`. */
  async function flushAll(ms: number): Promise<void> {
    for (const a of archivers.values()) runner.pause(a.topic, a.partition);
    const abort = AbortSignal.timeout(ms);
    await within(Promise.allSettled([...archivers.values()].map((a) => a.flushIfOlderThan(0, abort))), ms);
    const left = [...archivers.values()].reduce((sum, a) => sum + a.buffered, 0);
    if (left > 0) logger.warn({ records: left }, 'records still buffered at stop stay uncommitted; the next owner archives them');
  }

  const lag = startLagMonitor(kafka, { groupId, topics: [topic], registry, logger, intervalMs: config.LAG_POLL_MS });
  const isReady = () => runner.isReady() && storeHealthy;
  const health = await startHealthServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    registry,
    // archive_writes: the latest attempt to store an object and commit its offsets worked.
    readiness: { kafka: () => runner.isReady(), archive_writes: () => storeHealthy },
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'stop age flusher', run: () => flusher.stop() },
    // What is buffered is stored and committed now, while the broker is still up (bounded: a store or broker
    // that is gone leaves the rest uncommitted, and the next owner reads it again).
    { name: 'flush buffers', timeoutMs: config.ARCHIVE_FLUSH_ON_STOP_MS + 1000, run: () => flushAll(config.ARCHIVE_FLUSH_ON_STOP_MS) },
    // Lets a batch in flight finish (its object stored and committed) or abandons it uncommitted.
    { name: 'stop consumer', timeoutMs: CONSUMER_STOP_TIMEOUT_MS, run: () => runner.stop() },
    { name: 'close partitions', run: async () => void (await Promise.all([...archivers.values()].map((a) => a.close()))) },
    { name: 'stop lag monitor', run: () => lag.stop() },
    { name: 'close object store', run: () => store.close() },
    { name: 'close health server', run: () => health.close() },
  ];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= runShutdownSteps(shutdownSteps, logger));

  logger.info({ topic, groupId, archive: store.location }, 'archiver starting');
  try {
    await ensureServiceTopics(kafka, [topic], config, logger);
    await runner.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    store,
    runner,
    health,
    groupId,
    isReady,
    shutdownSteps,
    stop,
  };
}
