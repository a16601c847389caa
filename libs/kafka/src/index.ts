export { kafkaEnv, kafkaSchema, topicsEnv, topicsSchema, topicNames, checkKafkaSettings, DEFAULT_GROUP_IDS, type KafkaSettings, type TopicSettings } from './settings.ts';
export { createKafka } from './client.ts';
export { createPublisher, type Publisher, type OutboundMessage } from './producer.ts';
export {
  createConsumerRunner,
  CONSUMER_STOP_TIMEOUT_MS,
  EXIT_TOPIC_RECREATED,
  nextOffset,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type ConsumedBatch,
  type BatchContext,
  type BatchHandler,
  type TopicPartitionOffset,
} from './consumer-runner.ts';
export {
  createDeadLetterPublisher,
  deadLetterHeaders,
  deadLetterOf,
  DLQ_HEADER,
  type DeadLetter,
  type DeadLetterPublisher,
  type RecordFailure,
} from './dead-letter.ts';
export { BatchOutbox, type TopicMessages, type OutboxOptions } from './outbox.ts';
export { createOutboxHandler, type OutboxHandlerOptions } from './outbox-handler.ts';
export { murmur2, murmur2Text, keyPartition, Murmur2Partitioner } from './partitioning.ts';
export { createStageMetrics, recordBatch, type StageMetrics } from './stage-metrics.ts';
export { ensureTopics, ensureServiceTopics, type TopicSpec } from './provisioning.ts';
export { topicIdsOf } from './topic-ids.ts';
export { createBrokerProbe, type BrokerProbe } from './broker-probe.ts';
export { TopicRecreatedError } from './incarnation-guard.ts';
export { startLagMonitor, type LagMonitor } from './lag-monitor.ts';
export type { Kafka, KafkaMessage, IHeaders } from 'kafkajs';
export {
  PublishQueue,
  PublishClosedError,
  PublishTimeoutError,
  type PublishQueueOptions,
  type PublishOptions,
  type SendFn,
} from './publish-queue.ts';
