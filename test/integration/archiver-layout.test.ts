// The archiver against s3rver and a file:// directory: exact keys and line contents for a known set of
// dead letters of every reason, base64 for bytes that are not UTF-8, the same layout for both targets.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { archiveSchema, createFileStore, decodeArchiveObject, gunzip, listAll, openObjectStore, type ObjectStore } from '@ckt/archive';
import { DLQ_REASON_CODES } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema, topicIdsOf, type IHeaders, type Kafka } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { archiverSchema, startArchiver, type Archiver } from '@ckt/topic-archiver';
import { ARCHIVE_BUCKET } from '@ckt/local-stack';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { until } from '../helpers/wait.ts';

// The run's broker is shared: this file's own dead-letter topic.
const TOPIC = 'layout.checkout.dlq';
const stack = withStack({ topics: [{ name: TOPIC, partitions: 2 }], components: { registry: false } });
const logger = createLogger('archiver-layout-test', { LOG_LEVEL: 'silent' });
const FAILED_AT = '2025-03-27T21:00:03.000Z';
/** An Avro row in Confluent wire format (magic 0, schema id 7): not UTF-8. */
const AVRO_ROW = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0x0c, 0x74, 0x2d, 0x31, 0xff, 0xfe, 0x80]);

interface Letter {
  partition: number;
  timestamp: string;
  key: string | null;
  value: Buffer | string;
  reason: string;
  stage: string;
  source: [string, number, number];
  extra?: IHeaders;
}

// Partition 0: five records in hour 20, two in hour 21 -> with 4 records per object: [0-3] count, [4] hour
// change, [5-6] age. Partition 1: the remaining reasons, one object.
const LETTERS: Letter[] = [
  { partition: 0, timestamp: '2025-03-27T20:58:00.000Z', key: 'c-1', value: '{"event_id":1,', reason: 'invalid_json', stage: 'bridge', source: ['checkout.events.raw', 0, 10] },
  { partition: 0, timestamp: '2025-03-27T20:58:30.000Z', key: 'c-2', value: '{"event_name":"ticket_sale"}', reason: 'invalid_envelope', stage: 'router', source: ['checkout.events.raw', 1, 11], extra: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
  { partition: 0, timestamp: '2025-03-27T20:59:00.000Z', key: 'c-3', value: '{"event_id":"e3","event_name":"coupon_used","event_timestamp":"2025-03-27T20:59:00","payload":{}}', reason: 'unknown_event_name', stage: 'router', source: ['checkout.events.raw', 0, 12] },
  { partition: 0, timestamp: '2025-03-27T20:59:10.000Z', key: 'c-4', value: '{"event_id":"e4","event_name":"ticket_sale","event_timestamp":"2025-03-27T20:59:10","payload":{"ticket_id":"t4"}}', reason: 'invalid_payload', stage: 'extractor', source: ['checkout.events.ticket', 2, 13] },
  { partition: 0, timestamp: '2025-03-27T20:59:59.999Z', key: null, value: 'x'.repeat(40), reason: 'payload_too_large', stage: 'bridge', source: ['checkout.events.raw', 0, 14] },
  { partition: 0, timestamp: '2025-03-27T21:00:00.000Z', key: 't-6', value: AVRO_ROW, reason: 'schema_error', stage: 'sink', source: ['dwh.fact_ticket_sale', 0, 15], extra: { 'content-type': Buffer.from([0xc3, 0x28]) } },
  { partition: 0, timestamp: '2025-03-27T21:00:01.000Z', key: 't-7', value: '{"ticket_id":"t7"}', reason: 'warehouse_rejected', stage: 'sink', source: ['dwh.fact_ticket_sale', 1, 16] },
  { partition: 1, timestamp: '2025-03-27T20:10:00.000Z', key: 'c-8', value: 'not json', reason: 'invalid_json', stage: 'router', source: ['checkout.events.raw', 1, 17] },
  { partition: 1, timestamp: '2025-03-27T20:11:00.000Z', key: 'c-9', value: '{"event_id":"e9"}', reason: 'invalid_envelope', stage: 'router', source: ['checkout.events.raw', 1, 18] },
];

const headersOf = (l: Letter): IHeaders => ({
  ...l.extra,
  'dlq.stage': l.stage,
  'dlq.reason': l.reason,
  'dlq.message': `${l.reason} at ${l.stage}`,
  'dlq.source.topic': l.source[0],
  'dlq.source.partition': String(l.source[1]),
  'dlq.source.offset': String(l.source[2]),
  'dlq.service': l.stage,
  'dlq.failed_at': FAILED_AT,
});

/** The line the archive must hold for a letter at an offset, written out field by field. */
function expectedLine(l: Letter, offset: number): string {
  const binary = Buffer.isBuffer(l.value);
  const headers: Record<string, string> = {};
  const headersBase64: string[] = [];
  for (const [name, value] of Object.entries(headersOf(l))) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
    const isText = !Buffer.isBuffer(value);
    if (!isText) headersBase64.push(name);
    headers[name] = isText ? String(value) : bytes.toString('base64');
  }
  return JSON.stringify({
    topic: TOPIC,
    partition: l.partition,
    offset: String(offset),
    timestamp: l.timestamp,
    key: l.key,
    key_base64: false,
    value: binary ? (l.value as Buffer).toString('base64') : l.value,
    value_base64: binary,
    headers,
    headers_base64: headersBase64,
  });
}

const byPartition = (p: number) => LETTERS.filter((l) => l.partition === p);
/** The topic's Kafka id ends every key: a re-created topic's objects never meet these. */
let topicId = '';
const key = (hour: string, partition: number, offset: string) => `${TOPIC}/dt=2025-03-27/hour=${hour}/${TOPIC}+${partition}+${offset}+${topicId}.ndjson.gz`;
const expectedObjects = (): Record<string, string[]> => ({
  [key('20', 0, '0000000000')]: byPartition(0).slice(0, 4).map((l, i) => expectedLine(l, i)),
  [key('20', 0, '0000000004')]: byPartition(0).slice(4, 5).map((l) => expectedLine(l, 4)),
  [key('20', 1, '0000000000')]: byPartition(1).map((l, i) => expectedLine(l, i)),
  [key('21', 0, '0000000005')]: byPartition(0).slice(5).map((l, i) => expectedLine(l, 5 + i)),
});

let kafka: Kafka;
let s3Store: ObjectStore;
const fileDir = mkdtempSync(path.join(os.tmpdir(), 'archiver-file-'));

function archiverConfig(overrides: Record<string, string>) {
  return loadConfig(archiverSchema, {
    ...stack().env(),
    ARCHIVE_TOPIC: TOPIC,
    ARCHIVE_MAX_RECORDS: '4',
    ARCHIVE_MAX_AGE_MS: '300',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...QUIET_SERVICE_ENV,
    ...overrides,
  });
}

async function committed(groupId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    return (result?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  } finally {
    await admin.disconnect();
  }
}

/** Runs an archiver until every record is committed, and returns its /metrics text. */
async function archiveAll(overrides: Record<string, string>): Promise<string> {
  const archiver: Archiver = await startArchiver(archiverConfig(overrides), { logger });
  try {
    await until(async () => (await committed(archiver.groupId)).join() === '7,2', 'all records to be archived and committed');
    return await (await fetch(`${archiver.health.url}/metrics`)).text();
  } finally {
    await archiver.stop();
  }
}

beforeAll(async () => {
  const env = stack().env();
  kafka = createKafka(loadConfig(kafkaSchema, env), logger);
  topicId = (await topicIdsOf(kafka, [TOPIC])).get(TOPIC) ?? '';
  expect(topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  // The store the archiver itself opens for this ARCHIVE_URL, with the smallest part size S3 allows.
  s3Store = openObjectStore(loadConfig(archiveSchema, { ...env, ARCHIVE_URL: `s3://${ARCHIVE_BUCKET}`, S3_MULTIPART_PART_BYTES: String(5 * 1024 * 1024) }));
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  for (const partition of [0, 1]) {
    await publisher.send(
      TOPIC,
      byPartition(partition).map((l) => ({ partition, key: l.key, value: l.value, headers: headersOf(l), timestamp: String(Date.parse(l.timestamp)) })),
    );
  }
  await publisher.disconnect();
});
afterAll(async () => s3Store?.close());

describe('dlq-archiver object layout', () => {
  it('covers every dead-letter reason of the catalog', () => {
    expect(new Set(LETTERS.map((l) => l.reason))).toEqual(new Set(DLQ_REASON_CODES));
  });

  it('writes gzip NDJSON objects with the exact keys and lines to S3, and counts them', async () => {
    const metrics = await archiveAll({ ARCHIVE_GROUP_ID: 'layout.archiver-s3' });
    const expected = expectedObjects();
    expect(await listAll(s3Store, `${TOPIC}/`)).toEqual(Object.keys(expected).sort());
    for (const [name, lines] of Object.entries(expected)) {
      const body = (await s3Store.get(name)) as Buffer;
      expect(gunzip(body).toString('utf8'), name).toBe(lines.map((l) => `${l}\n`).join(''));
    }
    expect(metrics).toMatch(new RegExp(`archive_objects_written_total\\{topic="${TOPIC}"[^}]*\\} 4`));
    expect(metrics).toMatch(new RegExp(`archive_records_total\\{topic="${TOPIC}",reason="invalid_json"[^}]*\\} 2`));
    expect(metrics).toMatch(new RegExp(`archive_records_total\\{topic="${TOPIC}",reason="schema_error"[^}]*\\} 1`));
    expect(metrics).toMatch(new RegExp(`archive_upload_seconds_count\\{[^}]*topic="${TOPIC}"[^}]*\\} 4`));
  });

  it('round-trips values and headers that are not UTF-8 through base64', async () => {
    const [record] = decodeArchiveObject((await s3Store.get(key('21', 0, '0000000005'))) as Buffer);
    expect(record?.value).toEqual(AVRO_ROW);
    expect(record?.headers['content-type']).toEqual(Buffer.from([0xc3, 0x28]));
    expect(record?.headers['dlq.reason']).toEqual(Buffer.from('schema_error'));
  });

  it('uploads large objects as multipart uploads that read back intact', async () => {
    const body = randomBytes(11 * 1024 * 1024 + 17);
    await s3Store.put('multipart-check/big.bin', body);
    expect((await s3Store.get('multipart-check/big.bin'))?.equals(body)).toBe(true);
  });

  it('writes the same keys and bytes under a file:// directory', async () => {
    await archiveAll({ ARCHIVE_GROUP_ID: 'layout.archiver-file', ARCHIVE_URL: `file://${fileDir}` });
    const fileStore = createFileStore(fileDir);
    const names = Object.keys(expectedObjects()).sort();
    expect(await listAll(fileStore)).toEqual(names);
    for (const name of names) expect(await fileStore.get(name), name).toEqual(await s3Store.get(name));
  });
});
