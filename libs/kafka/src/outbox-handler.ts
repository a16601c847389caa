import type { DlqStage } from '@ckt/domain';
import type { Logger } from '@ckt/logging';
import type { BatchHandler, ConsumedBatch } from './consumer-runner.ts';
import type { BatchOutbox } from './outbox.ts';
import type { Publisher } from './producer.ts';
import { recordBatch, type StageMetrics } from './stage-metrics.ts';

interface OutboxHandlerOptions {
  publisher: Pick<Publisher, 'sendBatch'>;
  metrics: StageMetrics;
  logger: Logger;
  stage: DlqStage;
  /** Everything one fetched batch produces: outputs and dead letters. */
  build(batch: ConsumedBatch): BatchOutbox;
}

/**
 * One fetched batch -> one outbox -> one sendBatch (outputs and dead letters together); the consumer runner
 * commits the source offsets after it resolves, so nothing is committed before its outputs are acknowledged.
 */
export function createOutboxHandler({ publisher, metrics, logger, stage, build }: OutboxHandlerOptions): BatchHandler {
  return async (batch) => {
    const endTimer = metrics.batchSeconds.startTimer({ topic: batch.topic });
    const outbox = build(batch);
    await publisher.sendBatch(outbox.topicMessages());
    recordBatch(metrics, stage, batch.topic, batch.messages.length, outbox);
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
