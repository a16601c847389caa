// The sink as its own process (`tsx services/sink-clickhouse/src/main.ts` with the stack's env), killed with
// SIGKILL while it is writing, three times, then restarted: every row is in the warehouse exactly once under
// FINAL and no record was skipped. Also: `npm run query` reaches the running sink's read-only route (the sink
// holds the chDB directory), and SIGTERM stops the sink cleanly.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { EXTRACTED_TABLES, catalogTopics, tableTopic } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema, type Kafka } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { repoRoot, tsEntryCommand } from '@ckt/local-stack';
import { createRowCodec, type RowCodec } from '@ckt/schemas';
import { OWNER_FILE } from '@ckt/warehouse';
import { sampleKey, sampleRow } from '../../services/sink-clickhouse/src/testing/sample-rows.ts';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { testNames } from '../helpers/names.ts';
import { until } from '../helpers/wait.ts';

const PARTITIONS = 2;
const PER_WAVE = 150; // rows per table per wave
const KILLS = 3;
const logger = createLogger('sink-crash-test', { LOG_LEVEL: 'silent' });
const NAMES = testNames('sink-crash');
const stack = withStack({
  topics: catalogTopics(PARTITIONS, NAMES).filter((t) => t.name.startsWith(NAMES.dwhPrefix) || t.name === NAMES.dlq),
  components: { s3: false },
});

interface SinkProcess {
  child: ChildProcess;
  queryUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...stack().env(),
    ...NAMES.env(),
    ...QUIET_SERVICE_ENV,
    SINK_QUERY_PORT: '0',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    TOPIC_PARTITIONS: String(PARTITIONS),
    SINK_GROUP_ID: NAMES.group('sink-crash'),
    SINK_FLUSH_ROWS: '25',
    SINK_FLUSH_INTERVAL_MS: '50',
    SINK_RETRY_INITIAL_MS: '50',
    LOG_LEVEL: 'info',
    SINK_QUERY_URL: '',
    CLICKHOUSE_URL: '',
  };
}

/** Starts the sink process and resolves once it logged 'sink started' (with its query URL). */
function startSinkProcess(): Promise<SinkProcess> {
  const { command, args } = tsEntryCommand(path.join(repoRoot, 'services/sink-clickhouse/src/main.ts'));
  const child = spawn(command, args, { cwd: repoRoot, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sink did not start in time\n${stderr}`)), 60_000);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.includes('"sink started"')) continue;
        clearTimeout(timer);
        resolve({ child, queryUrl: (JSON.parse(line) as { queryUrl: string }).queryUrl, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`sink exited before it started (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
}

async function sql(queryUrl: string, statement: string): Promise<Record<string, string | number>[]> {
  const response = await fetch(queryUrl, { method: 'POST', body: statement });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, string | number>);
}

async function rowCount(queryUrl: string, table: string, final: boolean): Promise<number> {
  return Number((await sql(queryUrl, `SELECT count() AS c FROM dwh.${table}${final ? ' FINAL' : ''}`))[0]?.c);
}

async function produceWave(kafka: Kafka, codec: RowCodec, wave: number): Promise<void> {
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  for (const table of EXTRACTED_TABLES) {
    const rows = Array.from({ length: PER_WAVE }, (_, i) => sampleRow(table, wave * PER_WAVE + i));
    // Several producer batches, so the sink sees several fetches per partition.
    for (let i = 0; i < rows.length; i += 30) {
      await publisher.send(
        tableTopic(NAMES, table),
        rows.slice(i, i + 30).map((values) => ({ key: sampleKey(table, values), value: codec.encode(table, values) })),
      );
    }
  }
  await publisher.disconnect();
}

describe('ClickHouse sink killed mid-batch', () => {
  it('ends with exact counts after repeated SIGKILLs and restarts', async () => {
    const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
    const codec = createRowCodec({ registryUrl: stack().registryUrl });
    await codec.registerTableSchemas(EXTRACTED_TABLES, NAMES);
    let midBatchKills = 0;

    const allRows = `SELECT ${EXTRACTED_TABLES.map((t) => `(SELECT count() FROM dwh.${t})`).join(' + ')} AS c`;
    for (let wave = 0; wave < KILLS; wave++) {
      const sink = await startSinkProcess();
      const before = await rowCount(sink.queryUrl, 'fact_ticket_sale', false);
      await produceWave(kafka, codec, wave);
      // Kill as soon as this wave is partly written: the sink is in the middle of its batches.
      await until(async () => (await rowCount(sink.queryUrl, 'fact_ticket_sale', false)) > before, `wave ${wave} to start landing`, 90_000);
      const written = Number((await sql(sink.queryUrl, allRows))[0]?.c);
      sink.child.kill('SIGKILL');
      await sink.exited;
      if (written < EXTRACTED_TABLES.length * (wave + 1) * PER_WAVE) midBatchKills++;
    }

    const sink = await startSinkProcess();
    try {
      const total = KILLS * PER_WAVE;
      for (const table of EXTRACTED_TABLES) await until(async () => (await rowCount(sink.queryUrl, table, true)) === total, `${table} to reach ${total}`, 90_000);
      for (const table of EXTRACTED_TABLES) {
        // Every record is present (none skipped); raw rows may exceed it only by rows re-inserted after a kill.
        const [lineage] = await sql(sink.queryUrl, `SELECT uniqExact(_kafka_partition, _kafka_offset) AS records FROM dwh.${table}`);
        expect(Number(lineage?.records), table).toBe(total);
        expect(await rowCount(sink.queryUrl, table, false), table).toBeGreaterThanOrEqual(total);
      }
      expect(midBatchKills).toBeGreaterThan(0);

      // `npm run query` while the sink holds the directory: found through the owner file, answered read-only.
      expect(existsSync(path.join(stack().warehousePath, OWNER_FILE))).toBe(true);
      const tool = tsEntryCommand(path.join(repoRoot, 'tools/ops/src/query/main.ts'));
      const { stdout } = await promisify(execFile)(tool.command, [...tool.args, 'SELECT count() AS c FROM dwh.fact_refund FINAL'], {
        cwd: stack().dataDir,
        env: childEnv(),
      });
      expect(Number((JSON.parse(stdout) as { c: unknown }).c)).toBe(total);
    } finally {
      sink.child.kill('SIGTERM');
      const { code } = await sink.exited;
      expect(code).toBe(0);
    }
    expect(existsSync(path.join(stack().warehousePath, OWNER_FILE))).toBe(false);
  });
});
