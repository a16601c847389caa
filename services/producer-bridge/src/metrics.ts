import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS, SIZE_BUCKETS } from '@ckt/observability';

/** The bridge's series; labels carry codes only, never payload values. */
export interface BridgeMetrics {
  requests: Counter<'status'>;
  requestSeconds: Histogram<'status'>;
  accepted: Counter<'source'>;
  rejected: Counter<'source' | 'reason'>;
  masked: Counter<'source'>;
  publishSeconds: Histogram<'outcome'>;
  sendRecords: Histogram;
  inflightBytes: Gauge;
  pullPages: Counter;
  pullErrors: Counter<'kind'>;
  pullCursorAge: Gauge;
}

export function createBridgeMetrics(registry: Registry): BridgeMetrics {
  const registers = [registry];
  return {
    requests: new Counter({ name: 'bridge_http_requests_total', help: 'Ingest requests answered, by HTTP status', labelNames: ['status'], registers }),
    requestSeconds: new Histogram({
      name: 'bridge_http_request_seconds',
      help: 'Time from request start to answer',
      labelNames: ['status'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    accepted: new Counter({ name: 'bridge_events_accepted_total', help: 'Events acknowledged by the broker on the raw topic', labelNames: ['source'], registers }),
    rejected: new Counter({ name: 'bridge_events_rejected_total', help: 'Events dead-lettered by the bridge, by reason', labelNames: ['source', 'reason'], registers }),
    masked: new Counter({ name: 'bridge_masked_values_total', help: 'Card numbers, security codes and account numbers masked', labelNames: ['source'], registers }),
    publishSeconds: new Histogram({
      name: 'bridge_publish_seconds',
      help: 'Time from handing a producer send to the broker until its acks (or failure)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    sendRecords: new Histogram({ name: 'bridge_send_records', help: 'Records per producer send (coalesced across requests)', buckets: SIZE_BUCKETS, registers }),
    inflightBytes: new Gauge({ name: 'bridge_inflight_bytes', help: 'Request bytes being read or awaiting broker acks', registers }),
    pullPages: new Counter({ name: 'bridge_pull_pages_total', help: 'Checkout API pages published and their cursor stored', registers }),
    pullErrors: new Counter({ name: 'bridge_pull_errors_total', help: 'Failed pull attempts, by kind (api, response, publish, cursor)', labelNames: ['kind'], registers }),
    pullCursorAge: new Gauge({ name: 'bridge_pull_last_page_timestamp_seconds', help: 'Unix time of the last stored cursor or caught-up poll', registers }),
  };
}
