import { describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import type { RowValues } from '@ckt/domain';
import type { DeadLetter, KafkaMessage, TopicPartitionOffset } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import type { InsertRequest, Warehouse } from '@ckt/warehouse';
import { createSinkMetrics, sinkObserver } from './metrics.ts';
import { createSinkEngine } from '@ckt/partitioned-sink';
import { ClickHouseStore } from './clickhouse-store.ts';
import { sampleRow } from './testing/sample-rows.ts';

const logger = createLogger('clickhouse-store-test', { LOG_LEVEL: 'silent' });

/** `progress`: per topic, the recorded last offset (of the current incarnation unless an id is given). */
function fakeWarehouse(progress: Record<string, string | { topicId: string; last: string }> = {}, rejects: (request: InsertRequest) => boolean = () => false): Warehouse & { inserts: InsertRequest[] } {
  const inserts: InsertRequest[] = [];
  return {
    target: 'chdb',
    location: 'memory',
    readonly: false,
    inserts,
    async query<T>(_sql: string, params?: Record<string, unknown>) {
      const recorded = progress[String(params?.topic)];
      if (recorded === undefined) return [] as T[];
      const { topicId, last } = typeof recorded === 'string' ? { topicId: 'incarnation-1', last: recorded } : recorded;
      return [{ topic_id: topicId, partition: 0, last }] as T[];
    },
    async queryText() {
      return '';
    },
    async command() {},
    async insert(request) {
      // As ClickHouse rejects a value it cannot parse: code 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED.
      if (rejects(request)) throw Object.assign(new Error('Cannot parse input'), { code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' });
      inserts.push(request);
    },
    async ping() {
      return true;
    },
    async close() {},
  };
}

const message = (offset: number, value: string): KafkaMessage =>
  ({ offset: String(offset), key: Buffer.from(`k${offset}`), value: Buffer.from(value), headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

function core(warehouse: Warehouse) {
  const registry = new Registry();
  const letters: DeadLetter[] = [];
  const commits: TopicPartitionOffset[] = [];
  const events: string[] = [];
  // The "Avro" of this test is the row index as text; "bad" does not decode.
  const decode = async (value: Buffer): Promise<RowValues> => {
    const text = value.toString();
    if (text === 'bad') throw Object.assign(new Error('Message encoded with magic byte'), { name: 'ConfluentSchemaRegistryArgumentError' });
    return sampleRow('fact_refund', Number(text));
  };
  const metrics = createSinkMetrics(registry);
  const store = new ClickHouseStore({
    tables: [{ topic: 'dwh.fact_refund', table: 'fact_refund' }],
    topicId: async () => 'incarnation-1',
    warehouse,
    decode,
    deadLetters: {
      publish: async (batch) => {
        letters.push(...batch);
        events.push('dead letter');
      },
    },
    limits: { maxRows: 100, maxBytes: 1e6, maxAgeMs: 20 },
    tableInsertConcurrency: 2,
    metrics,
    logger,
  });
  const sink = createSinkEngine(
    { store, backoff: { initialMs: 5, maxMs: 10 }, maxBufferedBytes: 1e8, observer: sinkObserver(() => 'fact_refund', metrics), logger },
    { commit: async (offsets) => void commits.push(...offsets), pause: () => {}, resume: () => {} },
  );
  return { sink, letters, commits, registry, events };
}

const context = { heartbeat: async () => {}, signal: new AbortController().signal };

describe('the warehouse as the sink engine\'s store', () => {
  it('inserts one partition run with its dedup token and full settings, records progress, then commits', async () => {
    const warehouse = fakeWarehouse();
    const { sink, letters, commits } = core(warehouse);
    sink.onAssignment([{ topic: 'dwh.fact_refund', partition: 0 }]);
    await sink.handle({ topic: 'dwh.fact_refund', partition: 0, highWatermark: '4', messages: [message(0, '0'), message(1, 'bad'), message(2, '2'), message(3, '3')] }, context);
    expect(letters.map((l) => [l.reason, l.stage, l.source?.offset, l.key?.toString()])).toEqual([['schema_error', 'sink', '1', 'k1']]);
    await vi.waitFor(() => expect(commits).toEqual([{ topic: 'dwh.fact_refund', partition: 0, offset: '4' }]));
    const [rows, progress] = warehouse.inserts;
    expect(rows).toMatchObject({ table: 'dwh.fact_refund', format: 'JSONCompactEachRow' });
    expect(rows?.columns.slice(-2)).toEqual(['_kafka_partition', '_kafka_offset']);
    expect(rows?.settings).toMatchObject({ insert_deduplication_token: 'dwh.fact_refund:0:0-3', insert_deduplicate: 1, async_insert: 0 });
    expect(rows?.body.trim().split('\n').map((line) => (JSON.parse(line) as unknown[]).slice(-2))).toEqual([
      [0, 0],
      [0, 2],
      [0, 3],
    ]);
    expect(progress?.table).toBe('dwh.sink_progress_v2');
    expect(progress?.body).toBe('["dwh.fact_refund",0,"incarnation-1",0,3,3]\n');
  });

  it('skips records at or below the recorded progress without decoding them', async () => {
    const warehouse = fakeWarehouse({ 'dwh.fact_refund': '2' });
    const { sink, letters, commits } = core(warehouse);
    sink.onAssignment([{ topic: 'dwh.fact_refund', partition: 0 }]);
    await sink.handle({ topic: 'dwh.fact_refund', partition: 0, highWatermark: '5', messages: [message(0, '0'), message(1, 'bad'), message(2, '2'), message(3, '3'), message(4, '4')] }, context);
    await vi.waitFor(() => expect(commits.at(-1)?.offset).toBe('5'));
    expect(letters).toEqual([]);
    expect(warehouse.inserts[0]?.settings.insert_deduplication_token).toBe('dwh.fact_refund:0:3-4');
  });

  it('writes a re-created topic from its first offset: progress of the old incarnation does not apply', async () => {
    const warehouse = fakeWarehouse({ 'dwh.fact_refund': { topicId: 'incarnation-0', last: '1000' } });
    const { sink, commits, registry } = core(warehouse);
    sink.onAssignment([{ topic: 'dwh.fact_refund', partition: 0 }]);
    await sink.handle({ topic: 'dwh.fact_refund', partition: 0, highWatermark: '3', messages: [message(0, '0'), message(1, '1'), message(2, '2')] }, context);
    await vi.waitFor(() => expect(commits.at(-1)?.offset).toBe('3'));
    expect(warehouse.inserts[0]?.settings.insert_deduplication_token).toBe('dwh.fact_refund:0:0-2');
    expect(warehouse.inserts[1]?.body).toBe('["dwh.fact_refund",0,"incarnation-1",0,2,3]\n');
    expect(await registry.getSingleMetricAsString('sink_topic_recreations_total')).toContain('sink_topic_recreations_total{table="fact_refund"} 1');
  });

  it('dead-letters the rows the warehouse rejects before recording progress, and writes the others', async () => {
    const warehouse = fakeWarehouse({}, (request) => request.table === 'dwh.fact_refund' && request.body.includes(',0,2]'));
    const { sink, letters, commits } = core(warehouse);
    sink.onAssignment([{ topic: 'dwh.fact_refund', partition: 0 }]);
    await sink.handle({ topic: 'dwh.fact_refund', partition: 0, highWatermark: '4', messages: [message(0, '0'), message(1, '1'), message(2, '2'), message(3, '3')] }, context);
    await vi.waitFor(() => expect(commits.at(-1)?.offset).toBe('4'));
    expect(letters.map((l) => [l.reason, l.source?.offset])).toEqual([['warehouse_rejected', '2']]);
    const rows = warehouse.inserts.filter((i) => i.table === 'dwh.fact_refund').flatMap((i) => i.body.trim().split('\n').map((line) => (JSON.parse(line) as number[]).at(-1)));
    expect(rows).toEqual([0, 1, 3]);
    const progress = warehouse.inserts.filter((i) => i.table === 'dwh.sink_progress_v2');
    expect(progress.map((p) => p.body)).toEqual(['["dwh.fact_refund",0,"incarnation-1",0,3,3]\n']);
  });
});
