// The warehouse schema on embedded chDB (no Kafka): migrations, dedup under FINAL, the *_current views, insert
// tokens, the analyst queries, and `npm run query` opening the directory directly.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACTED_TABLES, TABLES, TABLE_NAMES, type ExtractedTableName } from '@ckt/domain';
import {
  clickhouseType,
  createRowSerializer,
  dedupInsertSettings,
  insertColumns,
  insertToken,
  LINEAGE_COLUMNS,
  loadAnalystQueries,
  loadMigrations,
  migrate,
  normaliseType,
  openWarehouse,
  readProgress,
  recordProgress,
  type Warehouse,
} from '@ckt/warehouse';
import { repoRoot, tsEntryCommand } from '@ckt/local-stack';
import { sampleRow } from '../../services/sink-clickhouse/src/testing/sample-rows.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ckt-warehouse-'));
const settings = { WAREHOUSE_PATH: path.join(dir, 'warehouse'), CLICKHOUSE_URL: undefined, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_REQUEST_TIMEOUT_MS: 30_000 };
let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await openWarehouse(settings);
});
afterAll(async () => {
  await warehouse?.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function insertSample(table: ExtractedTableName, rows: { index: number; version: number }[], token: string): Promise<void> {
  const serialize = createRowSerializer(TABLES[table]);
  const body = rows.map(({ index, version }, i) => serialize(sampleRow(table, index, version), 0, String(i))).join('\n');
  await warehouse.insert({ table: `dwh.${table}`, columns: insertColumns(TABLES[table]), format: 'JSONCompactEachRow', body: `${body}\n`, settings: dedupInsertSettings(token) });
}

const count = async (sql: string) => Number((await warehouse.query<{ c: string | number }>(sql))[0]?.c);

describe('warehouse schema on chDB', () => {
  it('migrates once: tables, views and dim_date exist with the columns of tables.ts; a second run is a no-op', async () => {
    // A warehouse of the first six migrations, with progress recorded before topic ids were, is brought up to date.
    const migrations = loadMigrations();
    expect((await migrate(warehouse, { migrations: migrations.slice(0, 6) })).applied).toHaveLength(6);
    await warehouse.command("INSERT INTO dwh.sink_progress (topic, partition, first_offset, last_offset, rows) VALUES ('dwh.fact_refund', 0, 0, 41, 42)");
    const first = await migrate(warehouse);
    expect(first.applied).toEqual(['0007_sink_progress_topic_id']);
    const second = await migrate(warehouse);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`) });
    // The old progress counts for the topic's current incarnation until progress of another one is recorded.
    expect(await readProgress(warehouse, 'dwh.fact_refund', 'incarnation-a')).toEqual({ watermarks: new Map([[0, 41n]]), previousIncarnations: [] });
    await recordProgress(warehouse, [{ topic: 'dwh.fact_refund', partition: 0, topicId: 'incarnation-a', firstOffset: '42', lastOffset: '99', rows: 58 }]);
    expect(await readProgress(warehouse, 'dwh.fact_refund', 'incarnation-a')).toEqual({ watermarks: new Map([[0, 99n]]), previousIncarnations: [] });
    expect(await readProgress(warehouse, 'dwh.fact_refund', 'incarnation-b')).toEqual({ watermarks: new Map(), previousIncarnations: ['incarnation-a'] });

    const columns = await warehouse.query<{ table: string; name: string; type: string }>(
      "SELECT table, name, type FROM system.columns WHERE database = 'dwh' ORDER BY table, position",
    );
    for (const name of TABLE_NAMES) {
      const spec = TABLES[name];
      const expected = spec.columns.map((c) => ({ name: c.name, type: normaliseType(clickhouseType(c)) }));
      if (spec.extracted) expected.push(...LINEAGE_COLUMNS.map((c) => ({ name: c.name, type: c.type })));
      const actual = columns.filter((c) => c.table === name).map((c) => ({ name: c.name, type: normaliseType(c.type) }));
      expect(actual, name).toEqual(expected);
    }
    const viewColumns = columns.filter((c) => c.table.endsWith('_current'));
    expect(viewColumns.map((c) => c.name)).not.toContain('_kafka_offset');
    expect(await warehouse.query('SELECT count() AS c, toString(min(date)) AS first, toString(max(date)) AS last FROM dwh.dim_date')).toEqual([
      { c: expect.anything(), first: '2015-01-01', last: '2040-12-31' },
    ]);
    expect(await count('SELECT count() AS c FROM dwh.dim_date')).toBe(9497);
    expect(await warehouse.query("SELECT weekday, is_weekend FROM dwh.dim_date WHERE date_key IN (20250327, 20250329) ORDER BY date_key")).toEqual([
      { weekday: 4, is_weekend: false },
      { weekday: 6, is_weekend: true },
    ]);
  });

  it('keeps one row per grain under FINAL, the latest event time winning whatever the insert order', async () => {
    // Version 1 (later event time) is inserted before version 0, plus an exact duplicate of version 0.
    for (const table of EXTRACTED_TABLES) {
      await insertSample(table, [0, 1, 2].map((index) => ({ index, version: 1 })), `test:${table}:v1`);
      await insertSample(table, [0, 1, 2].map((index) => ({ index, version: 0 })), `test:${table}:v0`);
      await insertSample(table, [0, 1, 2].map((index) => ({ index, version: 0 })), `test:${table}:v0-again`);
    }
    expect(await count('SELECT count() AS c FROM dwh.fact_ticket_sale FINAL')).toBe(3);
    expect(await count('SELECT count() AS c FROM dwh.fact_ticket_sale')).toBe(9);
    expect(await warehouse.query('SELECT ticket_id, toString(price) AS price FROM dwh.fact_ticket_sale FINAL ORDER BY ticket_id')).toEqual(
      ['t-0', 't-1', 't-2'].map((ticket_id) => ({ ticket_id, price: '11.5' })),
    );
    for (const table of ['fact_refund', 'fact_payment', 'fact_checkout']) expect(await count(`SELECT count() AS c FROM dwh.${table} FINAL`), table).toBe(3);
    // Dimensions keep history: two versions per id, the current view shows the newest.
    expect(await count('SELECT count() AS c FROM dwh.dim_customer FINAL')).toBe(6);
    expect(await warehouse.query('SELECT customer_id, city FROM dwh.dim_customer_current ORDER BY customer_id')).toEqual(
      ['u-0', 'u-1', 'u-2'].map((customer_id) => ({ customer_id, city: 'Hamburg' })),
    );
    expect(await warehouse.query('SELECT attraction_id, capacity FROM dwh.dim_attraction_current ORDER BY attraction_id')).toEqual(
      ['a-0', 'a-1', 'a-2'].map((attraction_id) => ({ attraction_id, capacity: 101 })),
    );
  });

  it('drops an insert repeated with the same dedup token (per statement settings, nothing leaks to the next insert)', async () => {
    const before = await count('SELECT count() AS c FROM dwh.fact_refund');
    const token = insertToken('dwh.fact_refund', 0, 100, 101);
    await insertSample('fact_refund', [{ index: 10, version: 0 }, { index: 11, version: 0 }], token);
    await insertSample('fact_refund', [{ index: 10, version: 0 }, { index: 11, version: 0 }], token);
    expect(await count('SELECT count() AS c FROM dwh.fact_refund')).toBe(before + 2);
    await insertSample('fact_refund', [{ index: 12, version: 0 }], insertToken('dwh.fact_refund', 0, 102, 102));
    expect(await count('SELECT count() AS c FROM dwh.fact_refund')).toBe(before + 3);
  });

  it('answers the four analyst queries from deduplicated rows', async () => {
    const results = Object.fromEntries(await Promise.all(loadAnalystQueries().map(async (q) => [q.name, await warehouse.query<Record<string, unknown>>(q.sql)] as const)));
    const sales = results.sales_per_attraction_per_day ?? [];
    expect(sales.reduce((sum, row) => sum + Number(row.tickets_sold), 0)).toBe(3);
    expect(sales.map((row) => [row.attraction_id, row.attraction_name, Number(row.revenue)])).toEqual([
      ['a-0', 'Attraction 0', 11.5],
      ['a-1', 'Attraction 1', 11.5],
      ['a-2', 'Attraction 2', 11.5],
    ]);
    expect(sales[0]?.sale_date).toBe('2025-03-27');
    // index 0 triggered (stripe), 1 succeeded (adyen), 2 failed (stripe)
    expect(results.payment_failure_rate_by_processor).toEqual([
      { processor: 'adyen', triggered: expect.anything(), succeeded: expect.anything(), failed: expect.anything(), failure_rate: 0 },
      { processor: 'stripe', triggered: expect.anything(), succeeded: expect.anything(), failed: expect.anything(), failure_rate: 1 },
    ]);
    const funnel = results.checkout_funnel ?? [];
    expect(funnel.map((row) => [row.channel, Number(row.started_checkouts), Number(row.completed_checkouts), Number(row.abandoned_checkouts)])).toEqual([
      ['unknown', 0, 1, 1],
      ['web', 1, 0, 0],
    ]);
    const refunds = results.refunds ?? [];
    expect(refunds.reduce((sum, row) => sum + Number(row.refunds), 0)).toBe(6);
    expect(refunds.filter((row) => row.attraction_id !== '').map((row) => [row.attraction_id, row.reason, Number(row.refunded_amount)])).toEqual([
      ['a-0', 'unspecified', 6.25],
      ['a-1', 'weather', 6.25],
      ['a-2', 'weather', 6.25],
    ]);
  });

  it('npm run query prints JSON lines from the chDB directory when no sink holds it, read-only', async () => {
    await warehouse.close();
    // From an empty working directory: no ./data/pipeline.json can point it at someone's running sink.
    const { command, args: entry } = tsEntryCommand(path.join(repoRoot, 'tools/ops/src/query/main.ts'));
    const run = (args: string[]) =>
      promisify(execFile)(command, [...entry, ...args], {
        cwd: dir,
        env: { ...process.env, WAREHOUSE_PATH: settings.WAREHOUSE_PATH, SINK_QUERY_URL: '', CLICKHOUSE_URL: '' },
      });
    const { stdout } = await run(['SELECT count() AS c FROM dwh.fact_ticket_sale FINAL']);
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([{ c: expect.anything() }]);
    expect(Number((JSON.parse(stdout) as { c: unknown }).c)).toBe(3);
    await expect(run(['INSERT INTO dwh.dim_date (date_key) VALUES (1)'])).rejects.toThrow(/readonly/i);
  });
});
