import type { Registry } from 'prom-client';
import { FAMILIES, familyTopic, type TopicNames } from '@ckt/domain';
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
import type { RouterConfig } from './config.ts';
import { fetchPartitionCounts, type PartitionCounts } from './partitioning.ts';
import { ROUTER_STAGE, routeBatch } from './route-batch.ts';
import { createStageMetrics, recordBatch, type StageMetrics } from './stage-metrics.ts';

export const ROUTER_SERVICE = 'router';

export interface RouterDeps {
  logger?: Logger;
  registry?: Registry;
}

export interface RouterService {
  /** /metrics, /healthz and /readyz. */
  readonly health: HealthServer;
  readonly registry: Registry;
  /** Consumer joined and producer connected. */
  isReady(): boolean;
  /** In order: stop consuming (the in-flight batch finishes and is committed), lag monitor, producer, health server. */
  readonly shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps once. */
  stop(): Promise<void>;
}

/** One fetched raw batch -> one sendBatch (family topics + dead letters); the runner commits after it resolves. */
export function createRouterHandler(deps: {
  publisher: Publisher;
  names: TopicNames;
  metrics: StageMetrics;
  logger: Logger;
  /** Output partition counts; keyed records then skip kafkajs' slow partitioner (same partitions). */
  partitions?: () => PartitionCounts | undefined;
}): BatchHandler {
  const { publisher, names, metrics, logger } = deps;
  return async (batch) => {
    const endTimer = metrics.batchSeconds.startTimer({ topic: batch.topic });
    const outbox = routeBatch(batch, names, { service: ROUTER_SERVICE, partitions: deps.partitions?.() });
    await publisher.sendBatch(outbox.topicMessages());
    recordBatch(metrics, ROUTER_STAGE, batch.topic, batch.messages.length, outbox);
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

/** Starts the router: raw topic -> family topics by event_name, bad records -> dead-letter topic. */
export async function startRouter(config: RouterConfig, deps: RouterDeps = {}): Promise<RouterService> {
  const logger = deps.logger ?? createLogger(ROUTER_SERVICE, config);
  const registry = deps.registry ?? createMetricsRegistry(ROUTER_SERVICE);
  const names = topicNames(config);
  const kafka = createKafka(config, logger);
  const publisher = createPublisher(kafka, config);
  const metrics = createStageMetrics(registry);
  let partitions: PartitionCounts | undefined;
  const runner = createConsumerRunner({
    kafka,
    groupId: config.ROUTER_GROUP_ID,
    topics: [names.raw],
    handle: createRouterHandler({ publisher, names, metrics, logger, partitions: () => partitions }),
    logger,
    registry,
    commitMode: 'after-batch',
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.ROUTER_PARTITIONS_CONCURRENTLY,
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
    const outputs = [...FAMILIES.map((family) => familyTopic(names, family)), names.dlq];
    await ensureTopics(
      kafka,
      [names.raw, ...outputs].map((name) => ({ name, partitions: config.TOPIC_PARTITIONS })),
      logger,
      config.TOPIC_REPLICATION_FACTOR,
    );
    partitions = await fetchPartitionCounts(kafka, outputs);
    await publisher.connect();
    await runner.start();
    lag = startLagMonitor(kafka, { groupId: config.ROUTER_GROUP_ID, topics: [names.raw], registry, logger, intervalMs: config.LAG_POLL_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ source: names.raw, groupId: config.ROUTER_GROUP_ID, healthPort: health.port }, 'router started');
  return { health, registry, isReady, shutdownSteps, stop };
}
