import type { Registry } from 'prom-client';
import type { TopicNames } from '@ckt/domain';
import { CONSUMER_STOP_TIMEOUT_MS, createConsumerRunner, createStageMetrics, PublishQueue, type BatchHandler, type Publisher, type StageMetrics } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import { startService, type RunningService, type ServiceParts, type ServiceSettings } from './service-runtime.ts';

interface StageServiceOptions {
  name: string;
  settings: ServiceSettings;
  groupId: string;
  /** Topics consumed. */
  sources: string[];
  /** Topics produced (dead-letter topic included); created with the sources where the broker allows. */
  outputs: string[];
  /** The topic names the stage runs with (for the catalog's topic configs). */
  names: TopicNames;
  partitionsConcurrently: number;
  logger: Logger;
  registry?: Registry;
  /** The batch handler, given the stage's publisher and metrics; the runner commits after it resolves. */
  createHandler(deps: { publisher: Pick<Publisher, 'sendBatch'>; metrics: StageMetrics }): BatchHandler;
}

export type StageService = RunningService<ServiceParts>;

/**
 * A consume -> transform -> produce stage (router, extractor): one consumer group on the sources, its batches'
 * output through one group-committing publish queue, committed after the batch's output is acknowledged.
 */
export function startStageService(options: StageServiceOptions): Promise<StageService> {
  const { settings, groupId, sources } = options;
  return startService({
    name: options.name,
    settings,
    topics: [...sources, ...options.outputs],
    names: options.names,
    logger: options.logger,
    registry: options.registry,
    build({ kafka, publisher, registry, logger }) {
      const metrics = createStageMetrics(registry);
      // Group commit: the batches of partitions handled concurrently go out in one producer request, so
      // throughput does not shrink with the (small) per-partition batches between stages. 1 MB keeps every
      // per-partition record batch below the broker's default message.max.bytes.
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
      return {
        readiness: { consumer: runner.isReady, producer: publisher.isConnected },
        start: () => runner.start(),
        shutdownSteps: [
          { name: 'consumer', timeoutMs: CONSUMER_STOP_TIMEOUT_MS, run: () => runner.stop() },
          { name: 'publish queue', run: () => queue.close() },
        ],
        lag: { groupId, topics: sources },
      };
    },
  });
}
