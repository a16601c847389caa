import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { Murmur2Partitioner } from './partitioning.ts';
import type { KafkaSettings } from './settings.ts';

export type OutboundMessage = Message;

export interface Publisher {
  readonly producer: Producer;
  /** Sends with acks=-1 and resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: OutboundMessage[]): Promise<void>;
  /** Sends to several topics in one request per broker. */
  sendBatch(batches: { topic: string; messages: OutboundMessage[] }[]): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
}

export function createPublisher(kafka: Kafka, settings: Pick<KafkaSettings, 'KAFKA_IDEMPOTENT' | 'KAFKA_COMPRESSION'>): Publisher {
  const producer = kafka.producer({
    idempotent: settings.KAFKA_IDEMPOTENT,
    // With the idempotent producer kafkajs keeps ordering across retries only with one request in flight.
    maxInFlightRequests: settings.KAFKA_IDEMPOTENT ? 1 : 5,
    allowAutoTopicCreation: false,
    // murmur2, as the Java client: the same key lands on the same partition whichever client wrote it. The
    // partitions of kafkajs' DefaultPartitioner, computed without its slow Long arithmetic.
    createPartitioner: Murmur2Partitioner,
  });
  const compression = settings.KAFKA_COMPRESSION === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  let connected = false;
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));
  return {
    producer,
    async send(topic, messages) {
      if (messages.length === 0) return;
      await producer.send({ topic, messages, acks: -1, compression });
    },
    async sendBatch(batches) {
      const topicMessages = batches.filter((b) => b.messages.length > 0);
      if (topicMessages.length === 0) return;
      await producer.sendBatch({ topicMessages, acks: -1, compression });
    },
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    isConnected: () => connected,
  };
}
