import { Counter, Histogram, type Registry } from 'prom-client';
import type { RawHeaders } from '@ckt/archive';
import { DLQ_HEADERS, isDlqReason } from '@ckt/domain';
import { LATENCY_BUCKETS, SIZE_BUCKETS } from '@ckt/observability';

export interface ArchiveMetrics {
  objects: Counter<'topic'>;
  bytes: Counter<'topic'>;
  records: Counter<'topic' | 'reason'>;
  objectRecords: Histogram<'topic'>;
  uploadSeconds: Histogram<'topic'>;
  uploadFailures: Counter<'topic'>;
  adopted: Counter<'topic'>;
  conflicts: Counter<'topic'>;
}

export function createArchiveMetrics(registry: Registry): ArchiveMetrics {
  const registers = [registry];
  return {
    objects: new Counter({ name: 'archive_objects_written_total', help: 'Archive objects stored', labelNames: ['topic'], registers }),
    bytes: new Counter({ name: 'archive_bytes_written_total', help: 'Bytes of archive objects stored (gzip)', labelNames: ['topic'], registers }),
    records: new Counter({
      name: 'archive_records_total',
      help: 'Records archived, by dead-letter reason (none for topics without dlq.reason, other for unknown codes)',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    objectRecords: new Histogram({ name: 'archive_object_records', help: 'Records per stored object', labelNames: ['topic'], buckets: SIZE_BUCKETS, registers }),
    uploadSeconds: new Histogram({ name: 'archive_upload_seconds', help: 'Time to store one object', labelNames: ['topic'], buckets: LATENCY_BUCKETS, registers }),
    uploadFailures: new Counter({ name: 'archive_upload_failures_total', help: 'Failed object uploads (retried)', labelNames: ['topic'], registers }),
    adopted: new Counter({
      name: 'archive_objects_adopted_total',
      help: 'Objects found already stored by an earlier attempt (crash or rebalance between upload and commit) and rewritten with the same boundary',
      labelNames: ['topic'],
      registers,
    }),
    conflicts: new Counter({
      name: 'archive_object_conflicts_total',
      help: 'Objects whose key already held other bytes (another writer, or another incarnation of the topic); never overwritten',
      labelNames: ['topic'],
      registers,
    }),
  };
}

/** The metric label for a record's dead-letter reason; bounded to the catalog's codes. */
export function reasonLabel(headers: RawHeaders | undefined): string {
  const raw = headers?.[DLQ_HEADERS.reason];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined || first === null) return 'none';
  const reason = first.toString();
  return isDlqReason(reason) ? reason : 'other';
}
