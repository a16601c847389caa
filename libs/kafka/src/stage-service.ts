import type { Registry } from 'prom-client';
import type { TopicNames } from '@ckt/domain';
import type { Logger } from '@ckt/logging';
import { runShutdownSteps, startHealthServer, type HealthServer, type ShutdownStep } from '@ckt/observability';
import { createKafka } from './client.ts';
import { CONSUMER_STOP_TIMEOUT_MS, createConsumerRunner, type BatchHandler } from './consumer-runner.ts';
import { startLagMonitor, type LagMonitor } from './lag-monitor.ts';
import { createPublisher, type Publisher } from './producer.ts';
import { PublishQueue } from './publish-queue.ts';
import { ensureServiceTopics } from './provisioning.ts';
import type { KafkaSettings } from './settings.ts';
import { createStageMetrics, type StageMetrics } from './stage-metrics.ts';

export interface StageServiceOptions {
  settings: KafkaSettings & { METRICS_PORT: number; METRICS_HOST: string };
  groupId: string;
  /** Topics consumed. */
  sources: string[];
  /** Topics produced (dead-letter topic included); created with the sources where the broker allows. */
  outputs: string[];
  /** The topic names the stage runs with (for the catalog's topic configs). */
  names: TopicNames;
  partitionsConcurrently: number;
  logger: Logger;
  registry: Registry;
  /** The batch handler, given the stage's publisher and metrics; the runner commits after it resolves. */
  createHandler(deps: { publisher: Pick<Publisher, 'sendBatch'>; metrics: StageMetrics }): BatchHandler;
}

export interface StageService {
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

/**
 * Starts a consume -> transform -> produce stage (router, extractor): one consumer group on the sources, one
 * publisher for outputs and dead letters, the health server and the lag monitor. A failed start stops what
 * was started and throws.
 */
export async function startStageService(options: StageServiceOptions): Promise<StageService> {
  const { settings, groupId, sources, logger, registry } = options;
  const kafka = createKafka(settings, logger);
  const publisher = createPublisher(kafka, settings);
  const metrics = createStageMetrics(registry);
  // Group commit: the batches of partitions handled concurrently go out in one producer request, so throughput
  // does not shrink with the (small) per-partition batches between stages. 1 MB keeps every per-partition
  // record batch below the broker's default message.max.bytes.
  const queue = new PublishQueue((batches) => publisher.sendBatch(batches), { maxSendBytes: 1_000_000, lingerMs: 0 });
  const runner = createConsumerRunner({
    kafka,
    groupId,
    topics: sources,
    handle: options.createHandler({ publisher: { sendBatch: (batches) => queue.publish(batches) }, metrics }),
    logger,
    registry,
    commitMode: 'after-batch',
    sessionTimeoutMs: settings.KAFKA_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: options.partitionsConcurrently,
    maxWaitTimeInMs: settings.KAFKA_FETCH_MAX_WAIT_MS,
  });
  const isReady = () => runner.isReady() && publisher.isConnected();
  const health = await startHealthServer({
    port: settings.METRICS_PORT,
    host: settings.METRICS_HOST,
    registry,
    readiness: { consumer: runner.isReady, producer: publisher.isConnected },
  });

  let lag: LagMonitor | undefined;
  const shutdownSteps: ShutdownStep[] = [
    { name: 'consumer', timeoutMs: CONSUMER_STOP_TIMEOUT_MS, run: () => runner.stop() },
    { name: 'lag monitor', run: async () => lag?.stop() },
    { name: 'publish queue', run: () => queue.close() },
    { name: 'producer', run: () => publisher.disconnect() },
    { name: 'health server', run: () => health.close() },
  ];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= runShutdownSteps(shutdownSteps, logger));

  try {
    await ensureServiceTopics(kafka, [...sources, ...options.outputs], settings, logger, options.names);
    await publisher.connect();
    await runner.start();
    lag = startLagMonitor(kafka, { groupId, topics: sources, registry, logger, intervalMs: settings.LAG_POLL_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  return { health, registry, isReady, shutdownSteps, stop };
}
