// `npm run replay` against the run's real broker with explicit groups and topics: a plan from committed offsets,
// offsets by time, refusal while the group has a live member (named), the rewind itself, and bad arguments.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createConsumerRunner, createKafka, createPublisher, kafkaSchema, type ConsumerRunner, type Kafka } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { startStack, type Stack } from '@ckt/local-stack';
import { until } from '../helpers/wait.ts';

const TOPIC = 'replay.t';
const GROUP = 'replay.g';
const BASE = Date.parse('2025-03-27T20:00:00.000Z');
const logger = createLogger('replay-test', { LOG_LEVEL: 'silent' });
let stack: Stack;
let kafka: Kafka;

/** A member of GROUP that reads TOPIC and counts what it saw. */
function member(seen: { count: number }): ConsumerRunner {
  return createConsumerRunner({ kafka, groupId: GROUP, topics: [TOPIC], logger, sessionTimeoutMs: 6000, handle: async (b) => void (seen.count += b.messages.length) });
}

beforeAll(async () => {
  stack = await startStack({ kafka: { brokers: inject('kafkaBrokers') }, topics: [{ name: TOPIC, partitions: 2 }], components: { registry: false, s3: false } });
  kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  // Ten records a minute apart, five per partition: partition p holds minutes p, p+2, p+4, ...
  await publisher.send(TOPIC, Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}`, timestamp: String(BASE + i * 60_000) })));
  await publisher.disconnect();
  const seen = { count: 0 };
  const runner = member(seen);
  await runner.start();
  await until(() => seen.count === 10, 'the group to read everything');
  await runner.stop();
});
afterAll(async () => stack?.stop());

const replay = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tools/ops/src/replay/main.ts', ...args], { env: { ...process.env, ...stack.env() }, encoding: 'utf8', timeout: 60_000 });
const moves = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; from: string; to: string; replayed: string });

describe('npm run replay', () => {
  it('plans a rewind from the group committed offsets (dry run)', () => {
    const result = replay('--group', GROUP, '--to-earliest', '--dry-run');
    expect(result.status).toBe(0);
    expect(moves(result.stdout)).toEqual([
      { group: GROUP, topic: TOPIC, partition: 0, from: '5', to: '0', replayed: '5' },
      { group: GROUP, topic: TOPIC, partition: 1, from: '5', to: '0', replayed: '5' },
    ]);
    expect(result.stderr).toContain(`would rewind group ${GROUP} on ${TOPIC}: 10 records to read again`);
  });

  it('finds the offsets of a time on each partition', () => {
    // Minute 5 onwards: partition 0 from its record of minute 6 (offset 3), partition 1 from minute 5 (offset 2).
    const result = replay('--group', GROUP, '--topic', TOPIC, '--to-datetime', new Date(BASE + 5 * 60_000).toISOString(), '--dry-run');
    expect(result.status).toBe(0);
    expect(moves(result.stdout).map((m) => [m.partition, m.to])).toEqual([
      [0, '3'],
      [1, '2'],
    ]);
  });

  it('refuses while the group has a live member, naming it, and rewinds once it stopped', async () => {
    const seen = { count: 0 };
    const runner = member(seen);
    await runner.start();
    await until(() => runner.isReady(), 'the member to join');
    try {
      const refused = replay('--group', GROUP, '--shift-by', '-2');
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(new RegExp(`^replay: group ${GROUP.replace('.', '\\.')} has 1 live member\\(s\\) \\(Stable\\): checkout-ingest@127\\.0\\.0\\.1; stop its consumers first\\n$`));
    } finally {
      await runner.stop();
    }
    const rewound = replay('--group', GROUP, '--shift-by', '-2');
    expect(rewound.status).toBe(0);
    expect(rewound.stderr).toContain(`rewound group ${GROUP} on ${TOPIC}: 4 records to read again`);
    const again = { count: 0 };
    const next = member(again);
    await next.start();
    try {
      await until(() => again.count === 4, 'the four rewound records to be read again');
    } finally {
      await next.stop();
    }
  });

  it('explains bad arguments with the usage', () => {
    const result = replay('--group', GROUP, '--topic', TOPIC);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('give exactly one of --to-earliest');
    expect(result.stderr).toContain('usage: npm run replay');
  });
});
