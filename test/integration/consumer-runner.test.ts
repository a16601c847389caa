import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createConsumerRunner, createKafka, createPublisher, kafkaSchema, type Kafka } from '@ckt/kafka';
import { loadConfig } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { startStack, type Stack } from '@ckt/local-stack';
import { until } from '../helpers/wait.ts';

const logger = createLogger('runner-test', { LOG_LEVEL: 'silent' });
let stack: Stack;
let kafka: Kafka;

beforeAll(async () => {
  stack = await startStack({
    kafka: { brokers: inject('kafkaBrokers') },
    topics: [
      { name: 'runner.retry', partitions: 1 },
      { name: 'runner.sigterm', partitions: 1 },
    ],
    components: { registry: false, s3: false },
  });
  kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
});
afterAll(async () => stack?.stop());

async function produce(topic: string, batches: number, perBatch: number): Promise<void> {
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  for (let b = 0; b < batches; b++) {
    await publisher.send(topic, Array.from({ length: perBatch }, (_, i) => ({ key: 'k', value: `m${b * perBatch + i}` })));
  }
  await publisher.disconnect();
}

async function committed(groupId: string, topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return result?.partitions[0]?.offset ?? 'none';
  } finally {
    await admin.disconnect();
  }
}

describe('consumer runner contract', () => {
  it('commits only after the work succeeded, and retries a failing batch instead of skipping it', async () => {
    await produce('runner.retry', 1, 10);
    const seen: string[][] = [];
    let failuresLeft = 2;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const runner = createConsumerRunner({
      kafka,
      groupId: 'runner.g-retry',
      topics: ['runner.retry'],
      logger,
      sessionTimeoutMs: 6000,
      backoff: { initialMs: 50, maxMs: 100 },
      handle: async ({ messages }) => {
        seen.push(messages.map((m) => m.value?.toString() ?? ''));
        if (failuresLeft-- > 0) throw new Error('warehouse unavailable');
        await released;
      },
    });
    await runner.start();
    try {
      await until(() => seen.length === 3, 'the third attempt');
      // Two attempts failed and the third is still working: nothing may be committed yet.
      expect(await committed('runner.g-retry', 'runner.retry')).toBe('-1');
      release();
      await until(async () => (await committed('runner.g-retry', 'runner.retry')) === '10', 'the commit');
      const expected = Array.from({ length: 10 }, (_, i) => `m${i}`);
      expect(seen).toEqual([expected, expected, expected]);
    } finally {
      await runner.stop();
    }
  });

  it('on SIGTERM mid-batch commits what finished, abandons the rest uncommitted, and loses nothing', async () => {
    await produce('runner.sigterm', 1, 5);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'runner-')), 'done.txt');
    const worker = (slowFrom: number) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/runner-worker.ts'], {
        env: { ...process.env, ...stack.env(), TOPIC: 'runner.sigterm', GROUP: 'runner.g-sigterm', OUT_FILE: out, SLOW_FROM: String(slowFrom) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      return { child, output: () => stdout };
    };
    const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const doneOffsets = () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : []);

    const first = worker(5);
    // A real broker returns everything produced so far in one fetch: produce the slow records only once the
    // first five are done, so they arrive as a batch of their own.
    await until(async () => (await committed('runner.g-sigterm', 'runner.sigterm')) === '5', 'the first batch to be committed');
    await produce('runner.sigterm', 2, 5);
    await until(() => first.output().includes('start 5-'), 'the slow batch to start');
    const code = exited(first.child);
    first.child.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(doneOffsets()).toEqual(['0', '1', '2', '3', '4']);
    expect(await committed('runner.g-sigterm', 'runner.sigterm')).toBe('5');

    const second = worker(-1);
    await until(() => doneOffsets().length === 15, 'all 15 records to be done', 60_000);
    const code2 = exited(second.child);
    second.child.kill('SIGTERM');
    expect(await code2).toBe(0);
    expect(doneOffsets()).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(await committed('runner.g-sigterm', 'runner.sigterm')).toBe('15');
  });
});
