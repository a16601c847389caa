import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS, SIZE_BUCKETS } from '@ckt/observability';
import type { SinkObserver } from '@ckt/partitioned-sink';
import { warehouseErrorLabel } from '@ckt/warehouse';
import type { BufferedRow } from './row-cutter.ts';

/** End-to-end freshness: fine around the 2 s objective, and up to a day for backfills and replays. */
const FRESHNESS_BUCKETS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

export interface SinkMetrics {
  recordsConsumed: Counter<'table'>;
  rowsWritten: Counter<'table'>;
  bytesWritten: Counter<'table'>;
  rowsSkipped: Counter<'table' | 'reason'>;
  deadLetters: Counter<'table' | 'reason'>;
  flushes: Counter<'table' | 'trigger'>;
  batchRows: Histogram<'table'>;
  flushSeconds: Histogram<'table'>;
  insertSeconds: Histogram<'table'>;
  retries: Counter<'table' | 'operation' | 'error'>;
  freshnessSeconds: Histogram<'table'>;
  ingestLatencySeconds: Histogram<'table'>;
  topicIncarnations: Counter<'table'>;
  bufferedBytes: Gauge;
  pausedPartitions: Gauge<'table'>;
}

export function createSinkMetrics(registry: Registry): SinkMetrics {
  const registers = [registry];
  return {
    recordsConsumed: new Counter({ name: 'sink_records_consumed_total', help: 'dwh.* records handed to the sink', labelNames: ['table'], registers }),
    rowsWritten: new Counter({ name: 'sink_rows_written_total', help: 'Rows inserted into the warehouse', labelNames: ['table'], registers }),
    bytesWritten: new Counter({ name: 'sink_bytes_written_total', help: 'Insert body bytes sent to the warehouse', labelNames: ['table'], registers }),
    rowsSkipped: new Counter({
      name: 'sink_rows_skipped_total',
      help: 'Rows not inserted because they were already written (replay, redelivery)',
      labelNames: ['table', 'reason'],
      registers,
    }),
    deadLetters: new Counter({ name: 'sink_dead_letters_total', help: 'Records sent to the dead-letter topic', labelNames: ['table', 'reason'], registers }),
    flushes: new Counter({ name: 'sink_flushes_total', help: 'Buffers cut for insert, by what triggered the cut', labelNames: ['table', 'trigger'], registers }),
    batchRows: new Histogram({ name: 'sink_batch_rows', help: 'Rows per flushed batch', labelNames: ['table'], buckets: SIZE_BUCKETS, registers }),
    flushSeconds: new Histogram({
      name: 'sink_flush_seconds',
      help: 'Time from cutting a batch to its offsets being committed, retries included',
      labelNames: ['table'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    insertSeconds: new Histogram({ name: 'sink_insert_seconds', help: 'Duration of one successful insert statement', labelNames: ['table'], buckets: LATENCY_BUCKETS, registers }),
    retries: new Counter({
      name: 'sink_retries_total',
      help: 'Failed warehouse or Kafka operations that are retried after a backoff',
      labelNames: ['table', 'operation', 'error'],
      registers,
    }),
    freshnessSeconds: new Histogram({
      name: 'sink_freshness_seconds',
      help: 'Event age of each row when written: now minus its event time (large for replays, backfills, late events)',
      labelNames: ['table'],
      buckets: FRESHNESS_BUCKETS,
      registers,
    }),
    ingestLatencySeconds: new Histogram({
      name: 'sink_ingest_latency_seconds',
      help: 'Ingest-to-queryable latency of each row: from the bridge receiving its event (the record timestamp) to its offsets being committed after the insert',
      labelNames: ['table'],
      buckets: FRESHNESS_BUCKETS,
      registers,
    }),
    topicIncarnations: new Counter({
      name: 'sink_topic_recreations_total',
      help: 'Times a source topic was found deleted and created again (new topic id): its records are written from offset 0, old progress unused',
      labelNames: ['table'],
      registers,
    }),
    bufferedBytes: new Gauge({ name: 'sink_buffered_bytes', help: 'Estimated memory of rows buffered or being inserted', registers }),
    pausedPartitions: new Gauge({ name: 'sink_paused_partitions', help: 'Partitions paused by backpressure or retries', labelNames: ['table'], registers }),
  };
}

/** The runtime's events as the sink's metrics, labelled by table. */
export function sinkObserver(tableOf: (topic: string) => string, metrics: SinkMetrics, now: () => number = Date.now): SinkObserver<BufferedRow> {
  return {
    consumed: ({ topic }, records) => metrics.recordsConsumed.inc({ table: tableOf(topic) }, records),
    cut: ({ topic }, trigger) => metrics.flushes.inc({ table: tableOf(topic), trigger }),
    skipped: ({ topic }, count) => metrics.rowsSkipped.inc({ table: tableOf(topic), reason: 'already_written' }, count),
    written: ({ topic }, rows, seconds) => {
      const table = tableOf(topic);
      metrics.batchRows.observe({ table }, rows.length);
      metrics.flushSeconds.observe({ table }, seconds);
      // Committed: queryable now. From the bridge's receive time (the record timestamp) and from the event time.
      const at = now();
      const ingestLatency = metrics.ingestLatencySeconds.labels(table);
      const freshness = metrics.freshnessSeconds.labels(table);
      for (const row of rows) {
        ingestLatency.observe(Math.max(0, (at - row.ingestMs) / 1000));
        if (row.versionMs !== undefined) freshness.observe(Math.max(0, (at - row.versionMs) / 1000));
      }
    },
    retried: ({ topic }, operation, error) => metrics.retries.inc({ table: tableOf(topic), operation, error: warehouseErrorLabel(error) }),
    paused: ({ topic }, delta) => metrics.pausedPartitions.inc({ table: tableOf(topic) }, delta),
    bufferedBytes: (total) => metrics.bufferedBytes.set(total),
  };
}
