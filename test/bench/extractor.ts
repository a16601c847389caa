// Extractor throughput: events/s from pre-filled family topics (as the router writes them) to acknowledged
// Avro rows on dwh.* topics, one extractor in this process against the mock broker and the registry double.
// Measured from the consumer joining its group to the last event's rows acknowledged. Prints one JSON line.
//
//   npx tsx test/bench/extractor.ts         (BENCH_EVENTS=100000 BENCH_PARTITIONS=12 BENCH_BATCH_PER_PARTITION=500)
import type { Counter } from 'prom-client';
import { loadConfig } from '@ckt/config';
import { catalogTopics, DEFAULT_TOPIC_NAMES, FAMILIES, familyOf, familyTopic } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema, type OutboundMessage } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createMetricsRegistry } from '@ckt/observability';
import { startStack } from '@ckt/local-stack';
import { extractorSchema, startExtractor } from '@ckt/extractor';
import { benchEvent } from './router.ts';
import { envNumber, isMain, printSummary } from './harness.ts';
import { QUIET_SERVICE_ENV } from '../helpers/stack.ts';

export interface ExtractorBenchOptions {
  events: number;
  partitions: number;
  /**
   * Records per partition in each pre-filled producer batch. The mock returns one producer batch per partition
   * per fetch, so this is the size of the batches the stage handles.
   */
  batchPerPartition: number;
  concurrency: number;
}

export interface ExtractorBenchSummary {
  bench: 'extractor';
  events_per_s: number;
  rows_per_s: number;
  events: number;
  rows: number;
  seconds: number;
  /** CPU time of this process per event: steadier than events/s on a shared machine. */
  cpu_us_per_event: number;
  partitions: number;
  partitions_concurrently: number;
  batch_per_partition: number;
  dead_letters: number;
}

const counterTotal = async (counter: Counter): Promise<number> => (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

export async function runExtractorBench(options: ExtractorBenchOptions): Promise<ExtractorBenchSummary> {
  const stack = await startStack({ topics: catalogTopics(options.partitions), components: { s3: false } });
  const logger = createLogger('bench', { LOG_LEVEL: 'warn' });
  try {
    const kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
    const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await publisher.connect();
    // Spread over every partition (of every family topic) so each partition gets batches of batchPerPartition.
    const sendBatch = options.batchPerPartition * options.partitions * FAMILIES.length;
    for (let start = 0; start < options.events; start += sendBatch) {
      const byTopic = new Map<string, OutboundMessage[]>();
      for (let n = start; n < Math.min(options.events, start + sendBatch); n++) {
        const { key, value, eventName } = benchEvent(n);
        const family = familyOf(eventName);
        if (!family) throw new Error(`bench event ${eventName} is not in the catalog`);
        const topic = familyTopic(DEFAULT_TOPIC_NAMES, family);
        const messages = byTopic.get(topic) ?? [];
        messages.push({ key, value, headers: { event_name: eventName } });
        byTopic.set(topic, messages);
      }
      await publisher.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    }
    await publisher.disconnect();

    const registry = createMetricsRegistry('extractor');
    const config = loadConfig(extractorSchema, {
      ...stack.env(),
      EXTRACTOR_EMAIL_PEPPER: 'bench-pepper',
      TOPIC_PARTITIONS: String(options.partitions),
      EXTRACTOR_PARTITIONS_CONCURRENTLY: String(options.concurrency),
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      ...QUIET_SERVICE_ENV,
      LOG_LEVEL: 'warn',
    });
    const extractor = await startExtractor(config, { registry, logger });
    try {
      const recordsIn = registry.getSingleMetric('pipeline_records_in_total') as Counter;
      const recordsOut = registry.getSingleMetric('pipeline_records_out_total') as Counter;
      const deadLetters = registry.getSingleMetric('pipeline_dead_letters_total') as Counter;
      // startExtractor resolves once the schemas are registered and the group is joined.
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      while ((await counterTotal(recordsIn)) < options.events) await new Promise((r) => setTimeout(r, 10));
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const rows = await counterTotal(recordsOut);
      return {
        bench: 'extractor',
        events_per_s: Math.round(options.events / seconds),
        rows_per_s: Math.round(rows / seconds),
        events: options.events,
        rows,
        seconds: Math.round(seconds * 100) / 100,
        cpu_us_per_event: Math.round((cpu.user + cpu.system) / options.events),
        partitions: options.partitions,
        partitions_concurrently: options.concurrency,
        batch_per_partition: options.batchPerPartition,
        dead_letters: await counterTotal(deadLetters),
      };
    } finally {
      await extractor.stop();
    }
  } finally {
    await stack.stop();
  }
}

if (isMain(import.meta.url)) {
  printSummary(runExtractorBench({
    events: envNumber('BENCH_EVENTS', 100_000),
    partitions: envNumber('BENCH_PARTITIONS', 12),
    batchPerPartition: envNumber('BENCH_BATCH_PER_PARTITION', 500),
    concurrency: envNumber('BENCH_CONCURRENCY', 4),
  }));
}
