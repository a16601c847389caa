export { kafkaEnv, kafkaSchema, topicsEnv, topicsSchema, topicNames, checkKafkaSettings, type KafkaSettings, type TopicSettings } from './settings.ts';
export { createKafka } from './client.ts';
export { createPublisher, type Publisher, type OutboundMessage } from './producer.ts';
export {
  createConsumerRunner,
  nextOffset,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type ConsumedBatch,
  type BatchContext,
  type BatchHandler,
  type TopicPartitionOffset,
} from './consumer-runner.ts';
export { createDeadLetterPublisher, deadLetterHeaders, DLQ_HEADER, type DeadLetter, type DeadLetterPublisher } from './dead-letter.ts';
export { ensureTopics, type TopicSpec } from './provisioning.ts';
export { startLagMonitor, type LagMonitor } from './lag-monitor.ts';
export { backoffDelay, sleep, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export type { Kafka, KafkaMessage, IHeaders } from 'kafkajs';
