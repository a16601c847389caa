import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS, SIZE_BUCKETS } from '@ckt/observability';

export interface ConsumerMetrics {
  messages: Counter<'topic'>;
  batchSize: Histogram<'topic'>;
  batchSeconds: Histogram<'topic'>;
  retries: Counter<'topic'>;
  commits: Counter<'topic'>;
}

export function createConsumerMetrics(registry: Registry): ConsumerMetrics {
  const registers = [registry];
  return {
    messages: new Counter({ name: 'pipeline_consumed_messages_total', help: 'Records handled successfully', labelNames: ['topic'], registers }),
    batchSize: new Histogram({ name: 'pipeline_consumer_batch_records', help: 'Records per fetched batch', labelNames: ['topic'], buckets: SIZE_BUCKETS, registers }),
    batchSeconds: new Histogram({ name: 'pipeline_consumer_batch_seconds', help: 'Time to handle one fetched batch, retries included', labelNames: ['topic'], buckets: LATENCY_BUCKETS, registers }),
    retries: new Counter({ name: 'pipeline_consumer_retries_total', help: 'Failed batch attempts that will be retried', labelNames: ['topic'], registers }),
    commits: new Counter({ name: 'pipeline_consumer_commits_total', help: 'Offset commits', labelNames: ['topic'], registers }),
  };
}
