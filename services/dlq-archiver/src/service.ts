import { Gauge, type Registry } from 'prom-client';
import { openObjectStore, type ObjectStore } from '@ckt/archive';
import { createKafka, ensureServiceTopics, startLagMonitor, topicIdsOf, type ConsumerRunner, type Kafka } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { createMetricsRegistry, runShutdownSteps, startHealthServer, type HealthServer, type ShutdownStep } from '@ckt/observability';
import { createPartitionedSink } from '@ckt/partitioned-sink';
import { createArchiveMetrics } from './archive-metrics.ts';
import { createArchiveStore, type StoredObject } from './archive-store.ts';
import { groupIdOf, type ArchiverConfig } from './config.ts';

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
  const sink = createPartitionedSink({
    store: createArchiveStore({
      store,
      limits: { maxRecords: config.ARCHIVE_MAX_RECORDS, maxBytes: config.ARCHIVE_MAX_BYTES },
      maxAgeMs: config.ARCHIVE_MAX_AGE_MS,
      topicId: async (t) => (await topicIdsOf(kafka, [t])).get(t) ?? '',
      metrics: createArchiveMetrics(registry),
      logger,
      afterStore: deps.afterStore,
    }),
    consumer: {
      kafka,
      groupId,
      topics: [topic],
      registry,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: config.ARCHIVE_PARTITIONS_CONCURRENTLY,
      maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
      // Upper bound on what a fetch adds to the buffer beyond one object.
      maxBytesPerPartition: Math.min(config.ARCHIVE_MAX_BYTES, 8 * 1024 * 1024),
    },
    backoff: { initialMs: config.ARCHIVE_RETRY_INITIAL_MS, maxMs: config.ARCHIVE_RETRY_MAX_MS },
    drainTimeoutMs: config.ARCHIVE_FLUSH_ON_STOP_MS,
    logger,
  });
  const { runner } = sink;

  new Gauge({
    name: 'archive_buffered_records',
    help: 'Records consumed but not yet in a stored object (uncommitted)',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sink.partitions()) this.set({ topic: p.topic, partition: String(p.partition) }, p.bufferedItems);
    },
  });
  new Gauge({
    name: 'archive_buffer_age_seconds',
    help: 'Age of the oldest record waiting for its object',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const p of sink.partitions()) this.set({ topic: p.topic, partition: String(p.partition) }, p.oldestAt === undefined ? 0 : Math.max(0, now - p.oldestAt) / 1000);
    },
  });

  // archive_writes: no partition is retrying a failed store or stopped on an object that holds other records.
  const writesWork = () => !sink.retrying() && sink.healthy();
  const lag = startLagMonitor(kafka, { groupId, topics: [topic], registry, logger, intervalMs: config.LAG_POLL_MS });
  const health = await startHealthServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    registry,
    readiness: { kafka: () => runner.isReady(), archive_writes: writesWork },
  });

  const shutdownSteps: ShutdownStep[] = [
    ...sink.shutdownSteps,
    { name: 'stop lag monitor', run: () => lag.stop() },
    { name: 'close object store', run: () => store.close() },
    { name: 'close health server', run: () => health.close() },
  ];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= runShutdownSteps(shutdownSteps, logger));

  logger.info({ topic, groupId, archive: store.location }, 'archiver starting');
  try {
    await ensureServiceTopics(kafka, [topic], config, logger);
    await sink.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { store, runner, health, groupId, isReady: () => runner.isReady() && writesWork(), shutdownSteps, stop };
}
