// The ClickHouse sink on the local stack (real Kafka, registry double, embedded chDB), in-process:
// every table gets its rows under FINAL; duplicate deliveries collapse; bad records are dead-lettered while the
// rest of their batch is written; a replay from offset 0 under a new consumer group (with different batch cuts)
// leaves raw row counts unchanged; the read-only query route answers while the sink holds the directory.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '@ckt/config';
import { EXTRACTED_TABLES, catalogTopics, tableTopic, type ExtractedTableName } from '@ckt/domain';
import { createKafka, createPublisher, DLQ_HEADER, kafkaSchema, type Kafka, type KafkaMessage } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { avroOptions, createRowCodec, loadTableSchema, type RowCodec } from '@ckt/schemas';
import { migrate, openWarehouse, OWNER_FILE } from '@ckt/warehouse';
import { sinkSchema, startSink, type SinkService } from '@ckt/sink-clickhouse';
import { sampleKey, sampleRow } from '../../services/sink-clickhouse/src/testing/sample-rows.ts';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { collectRecords } from '../helpers/topic-reader.ts';
import { until } from '../helpers/wait.ts';
import { testNames } from '../helpers/names.ts';
import { sampleValue } from '../helpers/metrics.ts';

const PARTITIONS = 2;
const ROWS = 40; // grains per table
const UPDATED = 10; // indexes 0..9 get a second version
const REDELIVERED = 5; // indexes 0..4 of version 0 are delivered twice
const NAMES = testNames('sink-eo');
const DLQ = NAMES.dlq;
const logger = createLogger('sink-test', { LOG_LEVEL: 'silent' });

const stack = withStack({
  topics: catalogTopics(PARTITIONS, NAMES).filter((t) => t.name.startsWith(NAMES.dwhPrefix) || t.name === DLQ),
  components: { s3: false },
});

function sinkConfig(overrides: Record<string, string>) {
  return loadConfig(sinkSchema, {
    ...stack().env(),
    ...NAMES.env(),
    ...QUIET_SERVICE_ENV,
    SINK_QUERY_PORT: '0',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    TOPIC_PARTITIONS: String(PARTITIONS),
    SINK_FLUSH_INTERVAL_MS: '200',
    SINK_RETRY_INITIAL_MS: '50',
    SINK_RETRY_MAX_MS: '200',
    ...overrides,
  });
}

/** Expected rows under FINAL per table, and raw records produced per table (bad records excluded). */
const expectedFinal = (table: ExtractedTableName) => (table.startsWith('dim_') ? ROWS + UPDATED : ROWS);
const expectedRaw = (_table: ExtractedTableName) => ROWS + UPDATED + REDELIVERED;

async function produceAll(kafka: Kafka, codec: RowCodec): Promise<void> {
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  try {
    // A writer schema that evolved loosely upstream (currency became optional): registry-compatible, but the
    // warehouse column is not nullable, so ClickHouse rejects the row carrying a null.
    const registry = new SchemaRegistry({ host: stack().registryUrl }, { [SchemaType.AVRO]: avroOptions() });
    const loose = loadTableSchema('fact_refund');
    const evolved = { ...loose, fields: loose.fields.map((f) => (f.name === 'currency' ? { ...f, type: ['null', 'string'], default: null } : f)) };
    const { id: looseId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(evolved) },
      { subject: `${tableTopic(NAMES, 'fact_refund')}-value`, compatibility: COMPATIBILITY.BACKWARD },
    );

    for (const table of EXTRACTED_TABLES) {
      const topic = tableTopic(NAMES, table);
      const message = (index: number, version: number) => {
        const values = sampleRow(table, index, version);
        return { key: sampleKey(table, values), value: codec.encode(table, values) };
      };
      const first = Array.from({ length: ROWS }, (_, i) => message(i, 0));
      if (table === 'fact_refund') {
        const bad = { ...sampleRow(table, 999, 0), currency: null };
        first.splice(ROWS / 2, 0, { key: 'bad-refund', value: await registry.encode(looseId, bad) });
      }
      if (table === 'fact_ticket_sale') first.splice(ROWS / 2, 0, { key: 'garbage', value: Buffer.from('not avro at all') });
      await publisher.send(topic, first);
      // Newer versions first for some, then plain redeliveries of version 0.
      await publisher.send(topic, Array.from({ length: UPDATED }, (_, i) => message(i, 1)));
      await publisher.send(topic, Array.from({ length: REDELIVERED }, (_, i) => message(i, 0)));
    }
  } finally {
    await publisher.disconnect();
  }
}

async function counts(sink: SinkService, final: boolean): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of EXTRACTED_TABLES) {
    const [row] = await sink.warehouse.query<{ c: string | number }>(`SELECT count() AS c FROM dwh.${table}${final ? ' FINAL' : ''}`);
    result[table] = Number(row?.c);
  }
  return result;
}

async function endOffsets(kafka: Kafka, topics: string[]): Promise<Map<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, string>();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}|${p.partition}`, p.high);
    return ends;
  } finally {
    await admin.disconnect();
  }
}

async function caughtUp(kafka: Kafka, groupId: string, topics: string[]): Promise<boolean> {
  const ends = await endOffsets(kafka, topics);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics });
    return committed.every(({ topic, partitions }) => partitions.every((p) => p.offset === ends.get(`${topic}|${p.partition}`)));
  } finally {
    await admin.disconnect();
  }
}

async function readTopic(kafka: Kafka, topic: string, expected: number): Promise<KafkaMessage[]> {
  const { received: messages, consumer } = await collectRecords(kafka, [topic], NAMES.group(`reader-${Date.now()}`), ({ message }) => message);
  try {
    await until(async () => messages.length >= expected, `${expected} records on ${topic}`);
    await new Promise((r) => setTimeout(r, 300)); // anything beyond the expected records shows up too
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

describe('ClickHouse sink, exactly once in effect', () => {
  it('writes every table under FINAL, dead-letters bad records, and a replay changes no raw count', async () => {
    const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
    const codec = createRowCodec({ registryUrl: stack().registryUrl });
    await codec.registerTableSchemas(EXTRACTED_TABLES, NAMES);
    await produceAll(kafka, codec);
    const topics = EXTRACTED_TABLES.map((t) => tableTopic(NAMES, t));

    // The test owns the warehouse so it can stop background merges: raw counts then show every row ever
    // inserted (merges would collapse duplicates and hide a double insert).
    const warehouse = await openWarehouse(sinkConfig({}));
    await migrate(warehouse);
    for (const table of EXTRACTED_TABLES) await warehouse.command(`SYSTEM STOP MERGES dwh.${table}`);

    let sink = await startSink(sinkConfig({ SINK_GROUP_ID: NAMES.group('sink-first') }), { logger, warehouse });
    let raw: Record<string, number>;
    try {
      const expected = Object.fromEntries(EXTRACTED_TABLES.map((t) => [t, expectedFinal(t)]));
      await until(async () => JSON.stringify(await counts(sink, true)) === JSON.stringify(expected), 'every table under FINAL');
      await until(() => caughtUp(kafka, NAMES.group('sink-first'), topics), 'offsets committed to the end');
      raw = await counts(sink, false);
      expect(raw).toEqual(Object.fromEntries(EXTRACTED_TABLES.map((t) => [t, expectedRaw(t)])));

      // The latest version (event time) wins; lineage points back to Kafka.
      expect(await sink.warehouse.query("SELECT toString(price) AS price, count() AS n FROM dwh.fact_ticket_sale FINAL GROUP BY price ORDER BY price")).toEqual([
        { price: '10.5', n: expect.anything() },
        { price: '11.5', n: expect.anything() },
      ]);
      expect(Number((await sink.warehouse.query<{ n: string }>("SELECT count() AS n FROM dwh.fact_ticket_sale FINAL WHERE price = 11.5"))[0]?.n)).toBe(UPDATED);
      expect(await sink.warehouse.query("SELECT city FROM dwh.dim_customer_current WHERE customer_id = 'u-3'")).toEqual([{ city: 'Hamburg' }]);
      expect(Number((await sink.warehouse.query<{ n: string }>('SELECT uniqExact(_kafka_partition, _kafka_offset) AS n FROM dwh.fact_payment'))[0]?.n)).toBe(
        expectedRaw('fact_payment'),
      );

      // One record that is not Avro, one row ClickHouse refuses: both dead-lettered by the sink, nothing else.
      const letters = await readTopic(kafka, DLQ, 2);
      expect(letters.map((m) => [header(m, DLQ_HEADER.stage), header(m, DLQ_HEADER.reason), header(m, DLQ_HEADER.sourceTopic)]).sort()).toEqual([
        ['sink', 'schema_error', `${NAMES.dwhPrefix}fact_ticket_sale`],
        ['sink', 'warehouse_rejected', `${NAMES.dwhPrefix}fact_refund`],
      ]);
      const rejected = letters.find((m) => header(m, DLQ_HEADER.reason) === 'warehouse_rejected');
      expect(header(rejected as KafkaMessage, DLQ_HEADER.message)).toMatch(/^ClickHouse error \d+ [A-Z_]+ \(column currency\)$/);
      expect(rejected?.key?.toString()).toBe('bad-refund');

      // Read-only SQL through the sink while it holds the chDB directory.
      expect(sink.queryUrl).toBeDefined();
      expect(existsSync(path.join(stack().warehousePath, OWNER_FILE))).toBe(true);
      const answer = await fetch(sink.queryUrl as string, { method: 'POST', body: 'SELECT count() AS c FROM dwh.fact_refund FINAL' });
      expect(answer.status).toBe(200);
      expect(Number((JSON.parse(await answer.text()) as { c: unknown }).c)).toBe(ROWS);
      const write = await fetch(sink.queryUrl as string, { method: 'POST', body: 'TRUNCATE TABLE dwh.fact_refund' });
      expect(write.status).toBe(400);
      expect(await write.text()).toMatch(/only a single SELECT/i);

      const metrics = await (await fetch(`${sink.health.url}/metrics`)).text();
      expect(sampleValue(metrics, 'sink_rows_written_total', { table: 'fact_ticket_sale' })).toBe(expectedRaw('fact_ticket_sale'));
      expect(sampleValue(metrics, 'sink_freshness_seconds_count', { table: 'dim_customer' })).toBe(expectedRaw('dim_customer'));
      expect(sampleValue(metrics, 'sink_dead_letters_total', { table: 'fact_refund', reason: 'warehouse_rejected' })).toBe(1);
      expect(sampleValue(metrics, 'sink_dead_letters_total', { table: 'fact_ticket_sale', reason: 'schema_error' })).toBe(1);
    } finally {
      await sink.stop();
    }
    expect(existsSync(path.join(stack().warehousePath, OWNER_FILE))).toBe(false);

    // Replay everything from offset 0 under a new group, with other batch cuts (7 rows, 50 ms).
    sink = await startSink(sinkConfig({ SINK_GROUP_ID: NAMES.group('sink-replay'), SINK_FLUSH_ROWS: '7', SINK_FLUSH_INTERVAL_MS: '50' }), { logger, warehouse });
    try {
      await until(() => caughtUp(kafka, NAMES.group('sink-replay'), topics), 'the replay to reach the end');
      expect(await counts(sink, false)).toEqual(raw);
      expect(await counts(sink, true)).toEqual(Object.fromEntries(EXTRACTED_TABLES.map((t) => [t, expectedFinal(t)])));
      const metrics = await (await fetch(`${sink.health.url}/metrics`)).text();
      expect(sampleValue(metrics, 'sink_rows_written_total', {})).toBeUndefined();
      expect(sampleValue(metrics, 'sink_rows_skipped_total', { table: 'fact_checkout', reason: 'already_written' })).toBe(expectedRaw('fact_checkout'));
    } finally {
      await sink.stop();
      await warehouse.close();
    }
    // The replay dead-lettered nothing again: its records were below the recorded watermark.
    expect(await readTopic(kafka, DLQ, 2)).toHaveLength(2);
  });
});
