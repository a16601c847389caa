// Archiver throughput: raw events (~300 bytes) already on the topic are archived to s3rver (or a file://
// directory) by one in-process archiver; records/s from the first stored object to the last commit (the
// group join is reported apart). Prints one JSON summary line.
//
//   npx tsx test/bench/archiver.ts      (BENCH_RECORDS=60000 BENCH_PARTITIONS=6 BENCH_TARGET=s3|file BENCH_OBJECT_RECORDS=5000)
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@ckt/config';
import { createKafka, createPublisher, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { archiverSchema, startArchiver } from '@ckt/topic-archiver';
import { startStack } from '@ckt/local-stack';
import { envNumber, isMain, printSummary } from './harness.ts';
import { sumSamples } from '../helpers/metrics.ts';
import { QUIET_SERVICE_ENV } from '../helpers/stack.ts';

export interface ArchiverBenchOptions {
  records: number;
  partitions: number;
  target: 's3' | 'file';
  objectRecords: number;
}

export interface ArchiverBenchSummary {
  bench: 'archiver';
  target: 's3' | 'file';
  records: number;
  partitions: number;
  records_per_s: number;
  mib_per_s: number;
  objects: number;
  gzip_ratio: number;
  join_ms: number;
  archive_ms: number;
}

const RAW = 'checkout.events.raw';

function event(n: number): string {
  return JSON.stringify({
    event_id: n,
    event_name: 'ticket_sale',
    event_timestamp: '2025-03-27T20:48:37.123',
    payload: { ticket_id: `t-${n}`, checkout_id: `chk-${n % 5000}`, customer_id: `cust-${n % 2000}`, attraction_id: `a-${n % 40}`, sales_price: '49.90', currency: 'EUR', day_of_visit: '2025-04-12', ticket_type: 'adult' },
  });
}

export async function runArchiverBench(o: ArchiverBenchOptions): Promise<ArchiverBenchSummary> {
  const stack = await startStack({ topics: [{ name: RAW, partitions: o.partitions }], components: { registry: false, s3: o.target === 's3' } });
  const logger = createLogger('archiver-bench', { LOG_LEVEL: 'warn' });
  try {
    const kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
    const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await publisher.connect();
    let rawBytes = 0;
    const base = Date.parse('2025-03-27T20:00:00.000Z');
    for (let from = 0; from < o.records; from += 1000) {
      const messages = Array.from({ length: Math.min(1000, o.records - from) }, (_, i) => {
        const value = event(from + i);
        rawBytes += value.length;
        return { key: `chk-${(from + i) % 5000}`, value, timestamp: String(base + from + i) };
      });
      await publisher.send(RAW, messages);
    }
    await publisher.disconnect();

    const archiveUrl = o.target === 's3' ? (stack.env().ARCHIVE_URL ?? '') : `file://${mkdtempSync(path.join(os.tmpdir(), 'archiver-bench-'))}`;
    const config = loadConfig(archiverSchema, {
      ...stack.env(),
      ARCHIVE_URL: archiveUrl,
      ARCHIVE_TOPIC: RAW,
      ARCHIVE_MAX_RECORDS: String(o.objectRecords),
      ARCHIVE_MAX_AGE_MS: '500',
      ARCHIVE_PARTITIONS_CONCURRENTLY: String(Math.min(o.partitions, 4)),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...QUIET_SERVICE_ENV,
      LOG_LEVEL: 'warn',
    });
    const started = Date.now();
    let firstStored = 0;
    const archiver = await startArchiver(config, {
      logger,
      afterStore: async () => {
        firstStored ||= Date.now();
      },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        const [offsets] = await admin.fetchOffsets({ groupId: archiver.groupId, topics: [RAW] });
        const done = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        if (done >= o.records) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const finished = Date.now();
      const metrics = await (await fetch(`${archiver.health.url}/metrics`)).text();
      const archiveMs = Math.max(1, finished - firstStored);
      return {
        bench: 'archiver',
        target: o.target,
        records: o.records,
        partitions: o.partitions,
        records_per_s: Math.round((o.records / archiveMs) * 1000),
        mib_per_s: Number((rawBytes / 1024 / 1024 / (archiveMs / 1000)).toFixed(2)),
        objects: sumSamples(metrics, 'archive_objects_written_total'),
        gzip_ratio: Number((rawBytes / sumSamples(metrics, 'archive_bytes_written_total')).toFixed(1)),
        join_ms: firstStored - started,
        archive_ms: archiveMs,
      };
    } finally {
      await admin.disconnect();
      await archiver.stop();
    }
  } finally {
    await stack.stop();
  }
}

if (isMain(import.meta.url)) {
  printSummary(runArchiverBench({
    records: envNumber('BENCH_RECORDS', 60_000),
    partitions: envNumber('BENCH_PARTITIONS', 6),
    target: process.env.BENCH_TARGET === 'file' ? 'file' : 's3',
    objectRecords: envNumber('BENCH_OBJECT_RECORDS', 5000),
  }));
}
