import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createKafka, createPublisher, kafkaSchema, type Kafka, type Publisher } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import { ensureMockKafkaBuilt, startStack } from '@ckt/local-stack';
import type { Stack, StackOptions } from '@ckt/local-stack';

/**
 * Starts a fresh local stack (ephemeral ports, temp data dir) before the file's tests and stops it after.
 * Returns a getter, since the stack exists only once beforeAll has run.
 */
export function withStack(opts: StackOptions): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    if (opts.components?.kafka !== false) await ensureMockKafkaBuilt();
    stack = await startStack(opts);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('withStack: the stack is only available inside tests and hooks');
    return stack;
  };
}

/** A client of the stack's broker and a connected publisher, set once beforeAll has run (call after withStack). */
export function withBroker(stack: () => Stack, logger: Logger): { kafka: Kafka; publisher: Publisher } {
  const broker = {} as { kafka: Kafka; publisher: Publisher };
  beforeAll(async () => {
    broker.kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
    broker.publisher = createPublisher(broker.kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await broker.publisher.connect();
  });
  afterAll(async () => broker.publisher?.disconnect());
  return broker;
}
