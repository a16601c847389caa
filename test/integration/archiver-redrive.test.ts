// Redrive end to end: dead letters are archived to s3rver by the archiver, `npm run redrive`'s script
// republishes the selected ones to their source topic, and they are consumed back with their headers.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createDeadLetterPublisher } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import type { DlqReason } from '@ckt/domain';
import { archiverSchema, startArchiver } from '@ckt/topic-archiver';
import { QUIET_SERVICE_ENV, withBroker, withStack } from '../helpers/stack.ts';
import { collectRecords } from '../helpers/topic-reader.ts';
import { until } from '../helpers/wait.ts';

// The run's broker is shared: this file's own topics and groups.
const DLQ = 'redrive.checkout.dlq';
const SOURCE = 'redrive.checkout.events.raw';
const OTHER_SOURCE = 'redrive.checkout.events.ticket';
const stack = withStack({
  topics: [
    { name: DLQ, partitions: 2 },
    { name: SOURCE, partitions: 2 },
    { name: OTHER_SOURCE, partitions: 1 },
  ],
  components: { registry: false },
});
const logger = createLogger('archiver-redrive-test', { LOG_LEVEL: 'silent' });

const NOT_UTF8 = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff]);
const letters: Array<{ key: string; value: string | Buffer; reason: DlqReason; topic: string; headers: Record<string, string | Buffer> }> = [
  { key: 'c-1', value: '{"event_id":"e1","event_name":"ticket_sale"}', reason: 'invalid_payload', topic: SOURCE, headers: { traceparent: '00-aaa-bbb-01' } },
  { key: 'c-2', value: NOT_UTF8, reason: 'invalid_payload', topic: SOURCE, headers: { origin: 'partner-api', binary: NOT_UTF8 } },
  { key: 'c-3', value: '{"event_id":', reason: 'invalid_json', topic: SOURCE, headers: {} },
  { key: 't-4', value: '{"event_id":"e4"}', reason: 'invalid_payload', topic: OTHER_SOURCE, headers: {} },
];

async function endOffsets(topic: string): Promise<number> {
  const admin = broker.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

function redrive(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops/src/redrive/main.ts', ...args], {
      env: { ...process.env, ...stack().env(), TOPIC_DLQ: DLQ, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const broker = withBroker(stack, logger);

describe('redrive', () => {
  it('republishes archived dead letters to their source topic with the original key, value and headers', async () => {
    const dead = createDeadLetterPublisher(broker.publisher, { topic: DLQ, service: 'extractor' });
    await dead.publish(
      letters.map((l, i) => ({
        key: l.key,
        value: l.value,
        headers: l.headers,
        stage: 'extractor',
        reason: l.reason,
        message: `${l.reason} (test)`,
        source: { topic: l.topic, partition: 0, offset: String(100 + i) },
      })),
    );

    const config = loadConfig(archiverSchema, {
      ...stack().env(),
      ARCHIVE_TOPIC: DLQ,
      ARCHIVE_GROUP_ID: 'redrive.dlq-archiver',
      ARCHIVE_MAX_AGE_MS: '200',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...QUIET_SERVICE_ENV,
    });
    const archiver = await startArchiver(config, { logger });
    try {
      await until(async () => {
        const admin = broker.kafka.admin();
        await admin.connect();
        const [offsets] = await admin.fetchOffsets({ groupId: archiver.groupId, topics: [DLQ] }).finally(() => admin.disconnect());
        return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === letters.length;
      }, 'the dead letters to be archived');
    } finally {
      await archiver.stop();
    }

    const filter = ['--topic', SOURCE, '--reason', 'invalid_payload', '--from', new Date(Date.now() - 3_600_000).toISOString()];
    const dry = await redrive([...filter, '--dry-run']);
    expect(dry.stderr).toContain(`archive object(s) of ${DLQ}`);
    expect(dry.stdout).toContain('redrive (dry run, nothing published)');
    expect(dry.stdout).toMatch(/records matched: +2/);
    expect(dry.code).toBe(0);

    const run = await redrive(filter);
    expect(run.stdout).toMatch(new RegExp(`republished: +2 \\(${SOURCE}=2\\)`));
    expect(run.stdout).toMatch(/by reason: +invalid_payload=2/);
    expect(run.code).toBe(0);
    // The dry run published nothing, and the filter left out the other reason and the other source topic.
    expect(await endOffsets(SOURCE)).toBe(2);
    expect(await endOffsets(OTHER_SOURCE)).toBe(0);

    const { received, consumer } = await collectRecords(broker.kafka, [SOURCE], 'redrive.check', ({ message }) => message);
    try {
      await until(() => received.length === 2, 'the redriven records');
    } finally {
      await consumer.disconnect();
    }
    const byKey = new Map(received.map((m) => [m.key?.toString(), m]));
    expect(byKey.get('c-1')?.value?.toString()).toBe(letters[0]?.value);
    expect(byKey.get('c-1')?.headers).toEqual({ traceparent: Buffer.from('00-aaa-bbb-01') });
    expect(byKey.get('c-2')?.value).toEqual(NOT_UTF8);
    expect(byKey.get('c-2')?.headers).toEqual({ origin: Buffer.from('partner-api'), binary: NOT_UTF8 });
  });

  it('explains a bad option and exits 2', async () => {
    const result = await redrive(['--from', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from: expected an ISO-8601 time');
  });
});
