export { kafkaEnv, kafkaSchema, topicsEnv, topicNames, DEFAULT_GROUP_IDS, type KafkaSettings } from './settings.ts';
export { createKafka } from './client.ts';
export { createPublisher, type Publisher, type OutboundMessage } from './producer.ts';
export {
  createConsumerRunner,
  CONSUMER_STOP_TIMEOUT_MS,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
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
} from './dead-letter.ts';
export { BatchOutbox, type TopicMessages } from './outbox.ts';
export { createOutboxHandler } from './outbox-handler.ts';
export { createStageMetrics, type StageMetrics } from './stage-metrics.ts';
export { ensureTopics, ensureServiceTopics } from './provisioning.ts';
export { topicIdsOf } from './topic-ids.ts';
export { createBrokerProbe } from './broker-probe.ts';
export { startLagMonitor, type LagMonitor } from './lag-monitor.ts';
export type { Kafka, KafkaMessage, IHeaders } from 'kafkajs';
export {
  PublishQueue,
  PublishClosedError,
  PublishTimeoutError,
} from './publish-queue.ts';
