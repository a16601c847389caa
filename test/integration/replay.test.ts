import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createConsumerRunner, createKafka, createPublisher, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { startStack, type Stack } from '@ckt/local-stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ kafka: { brokers: inject('kafkaBrokers') }, topics: [{ name: 'replay.t', partitions: 2 }], components: { registry: false, s3: false } });
  const logger = createLogger('replay-test', { LOG_LEVEL: 'silent' });
  const kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  await publisher.send('replay.t', Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
  await publisher.disconnect();
  let seen = 0;
  const runner = createConsumerRunner({ kafka, groupId: 'g-replay', topics: ['replay.t'], logger, sessionTimeoutMs: 6000, handle: async (b) => void (seen += b.messages.length) });
  await runner.start();
  while (seen < 10) await new Promise((r) => setTimeout(r, 100));
  await runner.stop();
});
afterAll(async () => stack?.stop());

const replay = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tools/replay/src/main.ts', ...args], { env: { ...process.env, ...stack.env() }, encoding: 'utf8', timeout: 60_000 });

describe('npm run replay', () => {
  it('plans a rewind from the group committed offsets on a real broker protocol (dry run)', () => {
    const result = replay('--group', 'g-replay', '--topic', 'replay.t', '--to-earliest', '--dry-run');
    expect(result.status).toBe(0);
    const moves = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; from: string; to: string; replayed: string });
    expect(moves.reduce((sum, m) => sum + Number(m.replayed), 0)).toBe(10);
    expect(moves.every((m) => m.to === '0')).toBe(true);
    expect(result.stderr).toContain('would rewind group g-replay on replay.t: 10 records to read again');
  });

  it('rewinds a stopped group on the real broker', () => {
    const result = replay('--group', 'g-replay', '--topic', 'replay.t', '--to-earliest');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('rewound group g-replay on replay.t: 10 records to read again');
  });

  it('explains bad arguments with the usage', () => {
    const result = replay('--group', 'g-replay', '--topic', 'replay.t');
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('give exactly one of --to-earliest');
    expect(result.stderr).toContain('usage: npm run replay');
  });
});
