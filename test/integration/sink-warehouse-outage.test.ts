// The warehouse becoming unavailable while the sink runs (in-process, local stack). chDB is embedded and cannot
// be taken down on its own, so the outage is SIMULATED: a wrapper around the real chDB warehouse fails inserts
// and reads with a connection error while `down` says so. Checks that the affected partitions pause and retry,
// that one failing table does not stall the others, that nothing is committed or skipped during the outage,
// and that the sink catches up with exact counts and no duplicate rows.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { EXTRACTED_TABLES, catalogTopics, tableTopic } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema, type Kafka } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createRowCodec } from '@ckt/schemas';
import { migrate, openWarehouse, type Warehouse } from '@ckt/warehouse';
import { sinkSchema, startSink } from '@ckt/sink-clickhouse';
import { sampleKey, sampleRow } from '../../services/sink-clickhouse/src/testing/sample-rows.ts';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { testNames } from '../helpers/names.ts';
import { until } from '../helpers/wait.ts';
import { sumSamples } from '../helpers/metrics.ts';

const PARTITIONS = 2;
const PER_WAVE = 20;
const logger = createLogger('sink-outage-test', { LOG_LEVEL: 'silent' });
const NAMES = testNames('sink-outage');
const topics = EXTRACTED_TABLES.map((t) => tableTopic(NAMES, t));
const stack = withStack({
  topics: catalogTopics(PARTITIONS, NAMES).filter((t) => t.name.startsWith(NAMES.dwhPrefix) || t.name === NAMES.dlq),
  components: { s3: false },
});

/** The real warehouse, except that statements on `failing` tables throw a connection error. */
function flakyWarehouse(real: Warehouse, failing: Set<string>): Warehouse {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
  const hits = (sql: string) => [...failing].some((name) => sql.includes(name));
  return {
    ...real,
    async insert(request) {
      if (failing.has('*') || hits(request.table) || (request.table === 'dwh.sink_progress_v2' && hits(request.body))) throw refused();
      return real.insert(request);
    },
    async query(sql, params) {
      if (failing.has('*') || hits(sql) || hits(JSON.stringify(params ?? {}))) throw refused();
      return real.query(sql, params);
    },
  };
}

async function produceWave(kafka: Kafka, wave: number): Promise<void> {
  const codec = createRowCodec({ registryUrl: stack().registryUrl });
  await codec.registerTableSchemas(EXTRACTED_TABLES, NAMES);
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  for (const table of EXTRACTED_TABLES) {
    const rows = Array.from({ length: PER_WAVE }, (_, i) => sampleRow(table, wave * PER_WAVE + i));
    await publisher.send(tableTopic(NAMES, table), rows.map((values) => ({ key: sampleKey(table, values), value: codec.encode(table, values) })));
  }
  await publisher.disconnect();
}

async function committed(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (result?.partitions ?? []).reduce((sum, p) => sum + (p.offset === '-1' ? 0n : BigInt(p.offset)), 0n);
  } finally {
    await admin.disconnect();
  }
}

describe('ClickHouse sink during a warehouse outage (simulated for chDB)', () => {
  it('pauses and retries the failing tables only, commits nothing of theirs, then catches up exactly', async () => {
    const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
    const config = loadConfig(sinkSchema, {
      ...stack().env(),
      ...NAMES.env(),
      ...QUIET_SERVICE_ENV,
      SINK_QUERY_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      TOPIC_PARTITIONS: String(PARTITIONS),
      SINK_GROUP_ID: NAMES.group('sink-outage'),
      SINK_FLUSH_INTERVAL_MS: '100',
      SINK_RETRY_INITIAL_MS: '50',
      SINK_RETRY_MAX_MS: '300',
    });
    const real = await openWarehouse(config);
    await migrate(real);
    // No background merges: raw counts then reveal any row written twice.
    for (const table of EXTRACTED_TABLES) await real.command(`SYSTEM STOP MERGES dwh.${table}`);
    const failing = new Set<string>();
    const sink = await startSink(config, { logger, warehouse: flakyWarehouse(real, failing) });
    const metrics = async () => (await fetch(`${sink.health.url}/metrics`)).text();
    const rows = async (table: string, final = true) =>
      Number((await real.query<{ c: string }>(`SELECT count() AS c FROM dwh.${table}${final ? ' FINAL' : ''}`))[0]?.c);
    try {
      await until(async () => sink.isReady(), 'the sink to join its group');

      // 1. Only fact_payment is unreachable: the other tables keep flowing.
      failing.add('fact_payment');
      await produceWave(kafka, 0);
      const others = EXTRACTED_TABLES.filter((t) => t !== 'fact_payment');
      await until(async () => (await Promise.all(others.map((t) => rows(t)))).every((n) => n === PER_WAVE), 'the healthy tables');
      await until(async () => sumSamples(await metrics(), 'sink_retries_total', { table: 'fact_payment' }) >= 3, 'fact_payment retries');
      expect(sumSamples(await metrics(), 'sink_paused_partitions', { table: 'fact_payment' })).toBeGreaterThan(0);
      // Later records of the healthy tables still get through while fact_payment keeps retrying.
      await produceWave(kafka, 1);
      await until(async () => (await Promise.all(others.map((t) => rows(t)))).every((n) => n === 2 * PER_WAVE), 'the healthy tables, second wave');
      expect(await rows('fact_payment', false)).toBe(0);
      expect(await committed(kafka, NAMES.group('sink-outage'), tableTopic(NAMES, 'fact_payment'))).toBe(0n);

      // 2. The whole warehouse is down while more records arrive: nothing is written or committed.
      failing.add('*');
      await produceWave(kafka, 2);
      const before = sumSamples(await metrics(), 'sink_retries_total', {});
      await until(async () => sumSamples(await metrics(), 'sink_retries_total', {}) >= before + 10, 'retries while everything is down');
      expect(sumSamples(await metrics(), 'sink_paused_partitions', {})).toBeGreaterThan(1);
      expect(await rows('fact_ticket_sale', false)).toBe(2 * PER_WAVE);
      expect(await committed(kafka, NAMES.group('sink-outage'), tableTopic(NAMES, 'fact_ticket_sale'))).toBe(BigInt(2 * PER_WAVE));

      // 3. Back up: everything is written once, every offset committed, partitions resumed.
      failing.clear();
      const total = 3 * PER_WAVE;
      for (const table of EXTRACTED_TABLES) await until(async () => (await rows(table)) === total, `${table} to catch up`);
      for (const table of EXTRACTED_TABLES) expect(await rows(table, false), table).toBe(total);
      for (const topic of topics) await until(async () => (await committed(kafka, NAMES.group('sink-outage'), topic)) === BigInt(total), `${topic} committed`);
      await until(async () => sumSamples(await metrics(), 'sink_paused_partitions', {}) === 0, 'partitions resumed');
    } finally {
      await sink.stop();
      await real.close();
    }
  });
});
