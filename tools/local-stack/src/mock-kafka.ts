import { existsSync } from 'node:fs';
import { mockKafkaBinary } from './paths.ts';
import { spawnReady } from './process.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface MockKafkaOptions {
  /** Number of brokers, ids 1..N (default 1). */
  brokers?: number;
  topics: TopicSpec[];
}

export interface MockKafka {
  /** host:port of every broker, for kafkajs `brokers`. */
  readonly brokers: string[];
  readonly pid: number;
  /** Takes a broker offline (its connections drop and it refuses new ones) to simulate an outage. */
  setBrokerDown(id: number): Promise<void>;
  setBrokerUp(id: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts librdkafka's mock cluster (native/mock-kafka.c) as a child process on loopback ephemeral ports. */
export async function startMockKafka(opts: MockKafkaOptions): Promise<MockKafka> {
  if (!existsSync(mockKafkaBinary)) {
    throw new Error(`mock Kafka binary not found at ${mockKafkaBinary}: run npm run setup`);
  }
  const args = ['--brokers', String(opts.brokers ?? 1)];
  for (const topic of opts.topics) args.push('--topic', `${topic.name}:${topic.partitions}`);

  const proc = await spawnReady<{ bootstrap: string }>({
    name: 'mock-kafka',
    command: mockKafkaBinary,
    args,
    timeoutMs: 15_000,
  });

  // The launcher answers each stdin command with one line, in order: queue the waiters.
  const pending: Array<{ resolve: () => void; reject: (err: Error) => void; command: string }> = [];
  proc.onLine((line) => {
    const waiter = pending.shift();
    if (!waiter) return;
    if (line === 'ok') waiter.resolve();
    else waiter.reject(new Error(`mock-kafka: "${waiter.command}" failed: ${line}`));
  });
  proc.child.once('exit', () => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error('mock-kafka exited'));
  });

  const command = (text: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        reject(new Error('mock-kafka is not running'));
        return;
      }
      pending.push({ resolve, reject, command: text });
      proc.send(text);
    });

  return {
    brokers: proc.ready.bootstrap.split(','),
    pid: proc.pid,
    setBrokerDown: (id) => command(`down ${id}`),
    setBrokerUp: (id) => command(`up ${id}`),
    createTopic: (name, partitions) => {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) return Promise.reject(new Error(`invalid topic name: ${name}`));
      return command(`topic ${name} ${partitions}`);
    },
    stop: () => proc.stop(),
  };
}
