import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '@ckt/observability';
import type { BatchOutbox } from './outbox.ts';

/** Records in and out of a stage; labels are topic names and reason codes only, never payload values. */
export interface StageMetrics {
  recordsIn: Counter<'topic'>;
  recordsOut: Counter<'topic'>;
  deadLetters: Counter<'stage' | 'reason'>;
  batchSeconds: Histogram<'topic'>;
}

export function createStageMetrics(registry: Registry): StageMetrics {
  const registers = [registry];
  return {
    recordsIn: new Counter({ name: 'pipeline_records_in_total', help: 'Records read by this stage', labelNames: ['topic'], registers }),
    recordsOut: new Counter({ name: 'pipeline_records_out_total', help: 'Records written (acknowledged) by this stage, dead letters excluded', labelNames: ['topic'], registers }),
    deadLetters: new Counter({ name: 'pipeline_dead_letters_total', help: 'Records sent to the dead-letter topic', labelNames: ['stage', 'reason'], registers }),
    batchSeconds: new Histogram({
      name: 'pipeline_batch_seconds',
      help: 'Time from handling a fetched batch to every output acknowledged',
      labelNames: ['topic'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };
}

/** Counts a batch once its outputs are acknowledged. */
export function recordBatch(metrics: StageMetrics, stage: string, sourceTopic: string, records: number, outbox: BatchOutbox): void {
  metrics.recordsIn.inc({ topic: sourceTopic }, records);
  for (const [topic, count] of outbox.outputCounts()) metrics.recordsOut.inc({ topic }, count);
  for (const [reason, count] of outbox.deadLetterCounts()) metrics.deadLetters.inc({ stage, reason }, count);
}
