import type { Registry } from 'prom-client';
import { FAMILIES, EXTRACTED_TABLES, familyTopic, tableTopic, type TopicNames } from '@ckt/domain';
import {
  createConsumerRunner,
  createKafka,
  createPublisher,
  ensureTopics,
  startLagMonitor,
  topicNames,
  type BatchHandler,
  type Publisher,
} from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { createMetricsRegistry, startHealthServer, type HealthServer, type ShutdownStep } from '@ckt/observability';
import { createRowCodec, type RowCodec } from '@ckt/schemas';
import type { ExtractorConfig } from './config.ts';
import { EXTRACTOR_STAGE, extractBatch } from './extract-batch.ts';
import type { RowEncoder } from './extract-record.ts';
import { registerRowSchemas, type RegistrationRetry } from './schema-registration.ts';
import { fetchPartitionCounts, type PartitionCounts } from './partitioning.ts';
import { createStageMetrics, recordBatch, type StageMetrics } from './stage-metrics.ts';

export const EXTRACTOR_SERVICE = 'extractor';

/** What the extractor needs from the row codec of @ckt/schemas. */
export type ExtractorCodec = Pick<RowCodec, 'registerTableSchemas' | 'encode'>;

export interface ExtractorDeps {
  logger?: Logger;
  registry?: Registry;
  /** Defaults to @ckt/schemas' codec on SCHEMA_REGISTRY_URL. */
  codec?: ExtractorCodec;
  /** How long to wait for an unreachable registry at start (default about half a minute). */
  registrationRetry?: RegistrationRetry;
}

export interface ExtractorService {
  readonly health: HealthServer;
  readonly registry: Registry;
  /** Schema id per table, as registered at start. */
  readonly schemaIds: ReadonlyMap<string, number>;
  isReady(): boolean;
  /** In order: stop consuming (the in-flight batch finishes and is committed), lag monitor, producer, health server. */
  readonly shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

/** One fetched family batch -> one sendBatch (rows on dwh.* + dead letters); the runner commits after it resolves. */
export function createExtractorHandler(deps: {
  publisher: Publisher;
  names: TopicNames;
  emailPepper: string;
  encode: RowEncoder;
  metrics: StageMetrics;
  logger: Logger;
  /** Output partition counts; keyed rows then skip kafkajs' slow partitioner (same partitions). */
  partitions?: () => PartitionCounts | undefined;
}): BatchHandler {
  const { publisher, metrics, logger } = deps;
  const context = { names: deps.names, emailPepper: deps.emailPepper, encode: deps.encode };
  return async (batch) => {
    const endTimer = metrics.batchSeconds.startTimer({ topic: batch.topic });
    const outbox = extractBatch(batch, context, { service: EXTRACTOR_SERVICE, partitions: deps.partitions?.() });
    await publisher.sendBatch(outbox.topicMessages());
    recordBatch(metrics, EXTRACTOR_STAGE, batch.topic, batch.messages.length, outbox);
    endTimer();
    const dead = outbox.deadLetterCounts();
    if (dead.size > 0) {
      logger.warn(
        { topic: batch.topic, partition: batch.partition, firstOffset: batch.messages[0]?.offset, deadLetters: Object.fromEntries(dead) },
        'records dead-lettered',
      );
    }
  };
}

function defaultCodec(config: ExtractorConfig): ExtractorCodec {
  const auth =
    config.SCHEMA_REGISTRY_USERNAME && config.SCHEMA_REGISTRY_PASSWORD
      ? { username: config.SCHEMA_REGISTRY_USERNAME, password: config.SCHEMA_REGISTRY_PASSWORD }
      : undefined;
  return createRowCodec({ registryUrl: config.SCHEMA_REGISTRY_URL, auth });
}

/**
 * Starts the extractor: family topics -> Avro rows on dwh.<table>. Registers every row schema first; an
 * incompatible schema refuses the start with an error naming the subject.
 */
export async function startExtractor(config: ExtractorConfig, deps: ExtractorDeps = {}): Promise<ExtractorService> {
  const logger = deps.logger ?? createLogger(EXTRACTOR_SERVICE, config);
  const registry = deps.registry ?? createMetricsRegistry(EXTRACTOR_SERVICE);
  const names = topicNames(config);
  const sources = FAMILIES.map((family) => familyTopic(names, family));
  const codec = deps.codec ?? defaultCodec(config);
  if (config.EXTRACTOR_EMAIL_PEPPER === '') {
    logger.warn('EXTRACTOR_EMAIL_PEPPER is empty: e-mail hashes are plain SHA-256 and can be matched against lists of hashed addresses');
  }

  // Registration comes first: a refused schema (SchemaRegistryRefusedError, naming the subject) stops the
  // start before anything is consumed. Ids are cached by the codec; encoding never calls the registry.
  const schemaIds = await registerRowSchemas(codec, names, logger, deps.registrationRetry);
  logger.info({ schemaIds: Object.fromEntries(schemaIds) }, 'row schemas registered');

  const kafka = createKafka(config, logger);
  const publisher = createPublisher(kafka, config);
  const metrics = createStageMetrics(registry);
  let partitions: PartitionCounts | undefined;
  const runner = createConsumerRunner({
    kafka,
    groupId: config.EXTRACTOR_GROUP_ID,
    topics: sources,
    handle: createExtractorHandler({ publisher, names, emailPepper: config.EXTRACTOR_EMAIL_PEPPER, encode: codec.encode, metrics, logger, partitions: () => partitions }),
    logger,
    registry,
    commitMode: 'after-batch',
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.EXTRACTOR_PARTITIONS_CONCURRENTLY,
  });
  const isReady = () => runner.isReady() && publisher.isConnected();
  const health = await startHealthServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    registry,
    readiness: { consumer: runner.isReady, producer: publisher.isConnected },
  });

  let lag: { stop(): Promise<void> } | undefined;
  const shutdownSteps: ShutdownStep[] = [
    { name: 'consumer', run: () => runner.stop() },
    { name: 'lag monitor', run: async () => lag?.stop() },
    { name: 'producer', run: () => publisher.disconnect() },
    { name: 'health server', run: () => health.close() },
  ];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const step of shutdownSteps) {
        await step.run().catch((error: unknown) => logger.error({ step: step.name, err: error }, 'shutdown step failed'));
      }
    })();
    return stopping;
  };

  try {
    const outputs = [...EXTRACTED_TABLES.map((table) => tableTopic(names, table)), names.dlq];
    await ensureTopics(
      kafka,
      [...sources, ...outputs].map((name) => ({ name, partitions: config.TOPIC_PARTITIONS })),
      logger,
      config.TOPIC_REPLICATION_FACTOR,
    );
    partitions = await fetchPartitionCounts(kafka, outputs);
    await publisher.connect();
    await runner.start();
    lag = startLagMonitor(kafka, { groupId: config.EXTRACTOR_GROUP_ID, topics: sources, registry, logger, intervalMs: config.LAG_POLL_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ sources, groupId: config.EXTRACTOR_GROUP_ID, healthPort: health.port }, 'extractor started');
  return { health, registry, schemaIds, isReady, shutdownSteps, stop };
}
