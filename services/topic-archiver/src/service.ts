import { Gauge, type Registry } from 'prom-client';
import { openObjectStore, type ObjectStore } from '@ckt/archive';
import { topicIdsOf, type ConsumerRunner, type Kafka } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import { createPartitionedSink, type PartitionedSink } from '@ckt/partitioned-sink';
import { startService, type RunningService, type ServiceParts } from '@ckt/service';
import { createArchiveMetrics } from './archive-metrics.ts';
import { ArchiveStore, type StoredObject } from './archive-store.ts';
import { groupIdOf, type ArchiverConfig } from './config.ts';

export const SERVICE = 'dlq-archiver';

interface ArchiverDeps {
  logger?: Logger;
  registry?: Registry;
  kafka?: Kafka;
  /** Default: the store ARCHIVE_URL names. */
  store?: ObjectStore;
  /** Test seam: runs after each object is stored and before its offsets are committed. */
  afterStore?: (object: StoredObject, signal?: AbortSignal) => Promise<void>;
}

/** The running archiver: the service runtime's health, readiness and shutdown, and what tests look into. */
export interface Archiver extends Pick<RunningService<ServiceParts>, 'health' | 'isReady' | 'shutdownSteps' | 'stop'> {
  readonly store: ObjectStore;
  readonly runner: ConsumerRunner;
  readonly groupId: string;
}

/**
 * Consumes ARCHIVE_TOPIC and writes its records to the archive, committing offsets only once the objects
 * holding them are stored. Records still buffered at shutdown are not committed: the next owner of the
 * partition reads them again.
 */
export async function startArchiver(config: ArchiverConfig, deps: ArchiverDeps = {}): Promise<Archiver> {
  const name = config.ARCHIVE_SERVICE_NAME;
  const store = deps.store ?? openObjectStore(config);
  const topic = config.ARCHIVE_TOPIC;
  const groupId = groupIdOf(config);
  let runner: ConsumerRunner | undefined;
  const service = await startService({
    name,
    settings: config,
    topics: [topic],
    producer: false,
    clientId: `${config.KAFKA_CLIENT_ID}-${name}`,
    logger: deps.logger,
    registry: deps.registry,
    kafka: deps.kafka,
    build({ kafka, registry, logger }) {
      const sink = createPartitionedSink({
        store: new ArchiveStore({
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
      runner = sink.runner;
      bufferGauges(registry, sink);
      logger.info({ topic, groupId, archive: store.location }, 'archiver starting');
      return {
        // archive_writes: no partition is retrying a failed store or stopped on an object holding other records.
        readiness: { kafka: sink.runner.isReady, archive_writes: () => !sink.retrying() && sink.healthy() },
        start: () => sink.start(),
        shutdownSteps: [...sink.shutdownSteps, { name: 'close object store', run: () => store.close() }],
        lag: { groupId, topics: [topic] },
      };
    },
  });
  return { store, runner: runner as ConsumerRunner, health: service.health, groupId, isReady: service.isReady, shutdownSteps: service.shutdownSteps, stop: service.stop };
}

/** What each partition holds that is not yet in a stored object. */
function bufferGauges(registry: Registry, sink: Pick<PartitionedSink, 'partitions'>): void {
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
}
