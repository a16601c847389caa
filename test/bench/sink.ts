// ClickHouse sink throughput: rows/s from pre-filled dwh.* topics (Avro, all six tables) into embedded chDB,
// one sink in this process against the mock broker and the registry double, default flush settings.
// Measured from the consumer joining its group to the last row inserted; RSS is sampled every 50 ms over the
// same window (rss = total resident set; rss_anon = the private part, without the ~200 MB of libchdb's
// file-backed code pages). Prints one JSON summary line.
//
//   npx tsx test/bench/sink.ts          (BENCH_ROWS=300000 BENCH_PARTITIONS=4 BENCH_SEND_BATCH=5000
//                                        BENCH_WAREHOUSE=chdb|stub, and any SINK_* setting)
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Counter, Histogram, Registry } from 'prom-client';
import { loadConfig } from '@ckt/config';
import { DEFAULT_TOPIC_NAMES, EXTRACTED_TABLES, catalogTopics, tableTopic } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createMetricsRegistry } from '@ckt/observability';
import { startStack, tsEntryCommand } from '@ckt/local-stack';
import { createRowCodec } from '@ckt/schemas';
import { sinkSchema, startSink } from '@ckt/sink-clickhouse';
import { sampleKey, sampleRow } from '../../services/sink-clickhouse/src/testing/sample-rows.ts';
import { envNumber, isMain, printSummary } from './harness.ts';
import { QUIET_SERVICE_ENV } from '../helpers/stack.ts';

export interface SinkBenchOptions {
  rows: number;
  /**
   * chdb: embedded chDB, as the local stack runs it. stub: CLICKHOUSE_URL pointing at an HTTP endpoint that
   * accepts every statement and stores nothing — the sink's own cost (Kafka, Avro, batching, HTTP) and memory
   * without chDB in the process, i.e. the shape of a production sink talking to a ClickHouse server.
   */
  warehouse: 'chdb' | 'stub';
  /** Partitions per dwh topic; the mock keeps 64 MiB per partition (native/build.sh), about 800k rows of these here. */
  partitions: number;
  /** Records per producer request when pre-filling (consumer batches on the mock follow producer batches). */
  sendBatch: number;
}

export interface SinkBenchSummary {
  bench: 'sink';
  rows_per_s: number;
  rows: number;
  seconds: number;
  tables: number;
  partitions: number;
  send_batch: number;
  avg_record_bytes: number;
  rss_peak_mb: number;
  rss_anon_peak_mb: number;
  rss_before_mb: number;
  /** V8 heap plus external memory (Buffers): the JavaScript side of the resident set. */
  js_heap_peak_mb: number;
  inserts: number;
  avg_insert_ms: number;
  /** CPU seconds of this process (all threads, chDB's included) per second of the run. */
  cpu_cores_used: number;
  warehouse: 'chdb' | 'stub';
}

/** Resident set (total and anonymous) in MiB, from /proc (Linux). */
function residentMiB(): { rss: number; anon: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024 };
}

async function insertStats(registry: Registry): Promise<{ inserts: number; avg_insert_ms: number }> {
  const { values } = await (registry.getSingleMetric('sink_insert_seconds') as Histogram).get();
  const total = (suffix: string) => values.filter((v) => v.metricName === `sink_insert_seconds_${suffix}`).reduce((sum, v) => sum + v.value, 0);
  const inserts = total('count');
  return { inserts, avg_insert_ms: inserts === 0 ? 0 : Math.round((total('sum') / inserts) * 1000) };
}

/** Answers every ClickHouse HTTP request with 200 and no rows (reads return nothing, writes are dropped). */
async function startStubClickHouse(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url?.startsWith('/ping') ? 'Ok.\n' : ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const counterTotal = async (counter: Counter): Promise<number> => (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

/** Writes `rows` Avro rows round-robin over the six dwh topics; returns the Avro bytes written. */
async function prefill(env: Record<string, string>, options: SinkBenchOptions): Promise<number> {
  const logger = createLogger('bench-prefill', { LOG_LEVEL: 'warn' });
  const kafka = createKafka(loadConfig(kafkaSchema, env), logger);
  const codec = createRowCodec({ registryUrl: env.SCHEMA_REGISTRY_URL ?? '' });
  await codec.registerTableSchemas(EXTRACTED_TABLES, DEFAULT_TOPIC_NAMES);
  const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
  await publisher.connect();
  let bytes = 0;
  for (let start = 0; start < options.rows; start += options.sendBatch) {
    const batches = EXTRACTED_TABLES.map((table) => ({ topic: tableTopic(DEFAULT_TOPIC_NAMES, table), messages: [] as { key: string; value: Buffer }[] }));
    for (let n = start; n < Math.min(options.rows, start + options.sendBatch); n++) {
      const table = EXTRACTED_TABLES[n % EXTRACTED_TABLES.length] ?? 'fact_ticket_sale';
      const values = sampleRow(table, Math.floor(n / EXTRACTED_TABLES.length));
      const value = codec.encode(table, values);
      bytes += value.length;
      batches[n % EXTRACTED_TABLES.length]?.messages.push({ key: sampleKey(table, values), value });
    }
    await publisher.sendBatch(batches);
  }
  await publisher.disconnect();
  return bytes;
}

async function prefillInChild(env: Record<string, string>, options: SinkBenchOptions): Promise<number> {
  const { command, args } = tsEntryCommand(fileURLToPath(import.meta.url));
  const { stdout } = await promisify(execFile)(command, [...args, '--prefill', JSON.stringify(options)], {
    env: { ...process.env, ...env },
    maxBuffer: 1024 * 1024,
  });
  return Number(stdout.trim().split('\n').at(-1));
}

export async function runSinkBench(options: SinkBenchOptions): Promise<SinkBenchSummary> {
  const topics = catalogTopics(options.partitions).filter((t) => t.name.startsWith(DEFAULT_TOPIC_NAMES.dwhPrefix) || t.name === DEFAULT_TOPIC_NAMES.dlq);
  const stack = await startStack({ topics, components: { s3: false } });
  const logger = createLogger('bench', { LOG_LEVEL: 'warn' });
  try {
    // Pre-filled by a child process, so this process's memory is the sink's alone.
    const bytes = await prefillInChild(stack.env(), options);

    const stub = options.warehouse === 'stub' ? await startStubClickHouse() : undefined;
    const registry = createMetricsRegistry('sink-clickhouse');
    const config = loadConfig(sinkSchema, {
      ...stack.env(),
      TOPIC_PARTITIONS: String(options.partitions),
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      ...QUIET_SERVICE_ENV,
      SINK_QUERY_PORT: '0',
      LOG_LEVEL: 'warn',
      ...(stub ? { CLICKHOUSE_URL: stub.url } : {}),
      // Sink settings can be varied from the environment (SINK_FLUSH_ROWS, SINK_MAX_BUFFERED_BYTES, ...).
      ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('SINK_') && e[1] !== undefined)),
    });
    const sink = await startSink(config, { registry, logger });
    let peak = residentMiB();
    const before = peak;
    let heapPeak = 0;
    const sampler = setInterval(() => {
      const now = residentMiB();
      peak = { rss: Math.max(peak.rss, now.rss), anon: Math.max(peak.anon, now.anon) };
      const { heapTotal, external } = process.memoryUsage();
      heapPeak = Math.max(heapPeak, (heapTotal + external) / 1024 / 1024);
    }, 50);
    try {
      const written = registry.getSingleMetric('sink_rows_written_total') as Counter;
      // startSink resolves once the group is joined; fetching starts right after.
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      while ((await counterTotal(written)) < options.rows) await new Promise((r) => setTimeout(r, 10));
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        bench: 'sink',
        rows_per_s: Math.round(options.rows / seconds),
        rows: options.rows,
        seconds: Math.round(seconds * 100) / 100,
        tables: EXTRACTED_TABLES.length,
        partitions: options.partitions,
        send_batch: options.sendBatch,
        avg_record_bytes: Math.round(bytes / options.rows),
        rss_peak_mb: Math.round(peak.rss),
        rss_anon_peak_mb: Math.round(peak.anon),
        rss_before_mb: Math.round(before.rss),
        js_heap_peak_mb: Math.round(heapPeak),
        ...(await insertStats(registry)),
        cpu_cores_used: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100) / 100,
        warehouse: options.warehouse,
      };
    } finally {
      clearInterval(sampler);
      await sink.stop();
      await stub?.close();
    }
  } finally {
    await stack.stop();
  }
}

if (isMain(import.meta.url) && process.argv[2] === '--prefill') {
  printSummary(prefill(process.env as Record<string, string>, JSON.parse(process.argv[3] ?? '{}') as SinkBenchOptions));
} else if (isMain(import.meta.url)) {
  printSummary(runSinkBench({
    rows: envNumber('BENCH_ROWS', 300_000),
    partitions: envNumber('BENCH_PARTITIONS', 4),
    sendBatch: envNumber('BENCH_SEND_BATCH', 5000),
    warehouse: process.env.BENCH_WAREHOUSE === 'stub' ? 'stub' : 'chdb',
  }));
}
