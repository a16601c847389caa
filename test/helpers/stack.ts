import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createKafka, createPublisher, kafkaSchema, type Kafka, type Publisher } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import { startStack } from '@ckt/local-stack';
import type { Stack, StackOptions } from '@ckt/local-stack';

export interface TestStackOptions extends Omit<StackOptions, 'kafka'> {
  /** Start a Kafka cluster for this file alone (for tests that stop or kill brokers); default the run's broker. */
  ownKafka?: { nodes: 1 | 3 };
}

/**
 * Starts a fresh local stack (ephemeral ports, temp data dir) before the file's tests and stops it after. Kafka
 * is the run's shared broker (test/setup/kafka-broker.ts) unless the file asks for its own.
 * Returns a getter, since the stack exists only once beforeAll has run.
 */
export function withStack(opts: TestStackOptions): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ ...opts, kafka: opts.ownKafka ?? { brokers: inject('kafkaBrokers') } });
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

/** A service's environment for tests and benchmarks: no lag polling, its metrics on a free loopback port, no logs. */
export const QUIET_SERVICE_ENV = { LAG_POLL_MS: '0', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'silent' } as const;
