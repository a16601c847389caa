import type { StageReason } from '@ckt/domain';
import type { IHeaders, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createBrokerProbe, deadLetterHeaders, PublishQueue, topicNames } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import type { ShutdownStep } from '@ckt/observability';
import { startService } from '@ckt/service';
import { sourceIdOf, type BridgeConfig } from './config.ts';
import { createBridgeMetrics, type BridgeMetrics } from './metrics.ts';
import { createCheckoutApi } from './pull/checkout-api.ts';
import { readLatestCursor } from './pull/cursor-reader.ts';
import { startPuller, type Puller } from './pull/puller.ts';
import { InflightBudget } from './push/inflight-budget.ts';
import { startIngestServer, type IngestServer } from './push/ingest-server.ts';

export const SERVICE = 'producer-bridge';

interface BridgeDeps {
  logger?: Logger;
  registry?: Registry;
  kafka?: Kafka;
  /** Used for the checkout API in pull mode. */
  fetch?: typeof fetch;
}

export interface Bridge {
  /** Base URL of the ingest API (push or both mode). */
  readonly url: string | undefined;
  /** Base URL of /metrics, /healthz, /readyz. */
  readonly healthUrl: string;
  readonly registry: Registry;
  /** The pull loop (pull or both mode). */
  readonly puller: Puller | undefined;
  /** In order: no new requests (in-flight ones finished), the pull page finished, the queue published, the producer. */
  readonly shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps once. */
  stop(): Promise<void>;
}

/** Starts the bridge: HTTP ingest and/or checkout API polling into the raw topic, with health and metrics. */
export async function startBridge(config: BridgeConfig, deps: BridgeDeps = {}): Promise<Bridge> {
  const topics = topicNames(config);
  const pull = config.BRIDGE_MODE !== 'push';
  const push = config.BRIDGE_MODE !== 'pull';
  let ingest: IngestServer | undefined;
  let puller: Puller | undefined;
  const service = await startService({
    name: SERVICE,
    settings: config,
    topics: [topics.raw, topics.dlq, ...(pull ? [topics.bridgeCursor] : [])],
    names: topics,
    logger: deps.logger,
    registry: deps.registry,
    kafka: deps.kafka,
    build({ kafka, publisher, registry, logger }) {
      const metrics = createBridgeMetrics(registry);
      const probe = createBrokerProbe(config, logger);
      const queue = new PublishQueue((batches) => publisher.sendBatch(batches), {
        maxSendBytes: config.BRIDGE_MAX_SEND_BYTES,
        lingerMs: config.BRIDGE_LINGER_MS,
        onSend: ({ records, seconds, ok }) => {
          metrics.publishSeconds.observe({ outcome: ok ? 'acked' : 'failed' }, seconds);
          metrics.sendRecords.observe(records);
        },
      });
      const dlqHeaders = (reason: StageReason<'bridge'>, message: string) => deadLetterHeaders({ value: null, stage: 'bridge', reason, message }, SERVICE, new Date());
      // A broker that stays down must not hold the exit forever: what is unacknowledged by then was never
      // answered 202 (push) or has no stored cursor (pull), so it is resent, not lost.
      const grace = config.BRIDGE_PUBLISH_TIMEOUT_MS;
      return {
        readiness: {
          // Not the producer's own "connected": it stays so through an outage while every publish fails.
          kafka: async () => publisher.isConnected() && (await probe.reachable()),
          ...(push ? { ingest: () => ingest?.accepting() ?? false } : {}),
          ...(pull && config.CHECKOUT_API_URL ? { pull_cursor: () => puller?.isReady() ?? false } : {}),
        },
        async start() {
          if (push) ingest = await startIngest(config, { queue, metrics, logger, dlqHeaders, producerReady: () => publisher.isConnected() });
          if (pull && config.CHECKOUT_API_URL) puller = startPull(config, config.CHECKOUT_API_URL, { kafka, queue, metrics, logger, dlqHeaders, fetch: deps.fetch });
        },
        shutdownSteps: [
          // Requests in flight wait for their publish at most the grace, then are answered.
          { name: 'close ingest server', timeoutMs: grace + 5000, run: async () => ingest?.close() },
          { name: 'stop puller', timeoutMs: grace, run: async () => puller?.stop() },
          { name: 'publish what is queued', timeoutMs: grace, run: () => queue.close() },
          { name: 'stop broker probe', run: () => probe.stop() },
        ],
      };
    },
  });
  return { url: ingest?.url, healthUrl: service.health.url, registry: service.context.registry, puller, shutdownSteps: service.shutdownSteps, stop: service.stop };
}

interface StartDeps {
  queue: PublishQueue;
  metrics: BridgeMetrics;
  logger: Logger;
  dlqHeaders: (reason: StageReason<'bridge'>, message: string) => IHeaders;
}

function startIngest(config: BridgeConfig, deps: StartDeps & { producerReady: () => boolean }): Promise<IngestServer> {
  const topics = topicNames(config);
  return startIngestServer(
    {
      port: config.BRIDGE_PORT,
      host: config.BRIDGE_HOST,
      tokens: config.BRIDGE_TOKENS,
      maxBodyBytes: config.BRIDGE_MAX_BODY_BYTES,
      maxEvents: config.BRIDGE_MAX_EVENTS,
      maxEventBytes: config.BRIDGE_MAX_EVENT_BYTES,
      maxEventDepth: config.BRIDGE_MAX_EVENT_DEPTH,
      publishTimeoutMs: config.BRIDGE_PUBLISH_TIMEOUT_MS,
      retryAfterSeconds: config.BRIDGE_RETRY_AFTER_SECONDS,
      topics: { raw: topics.raw, dlq: topics.dlq },
    },
    {
      queue: deps.queue,
      budget: new InflightBudget(config.BRIDGE_MAX_INFLIGHT_BYTES, (bytes) => deps.metrics.inflightBytes.set(bytes)),
      metrics: deps.metrics,
      logger: deps.logger,
      deadLetterHeaders: deps.dlqHeaders,
      producerReady: deps.producerReady,
    },
  );
}

function startPull(config: BridgeConfig, apiUrl: string, deps: StartDeps & { kafka: Kafka; fetch?: typeof fetch }): Puller {
  const topics = topicNames(config);
  const sourceId = sourceIdOf(config);
  return startPuller(
    {
      sourceId,
      topics: { raw: topics.raw, dlq: topics.dlq, cursor: topics.bridgeCursor },
      pollIntervalMs: config.BRIDGE_POLL_INTERVAL_MS,
      maxEventBytes: config.BRIDGE_MAX_EVENT_BYTES,
      maxEventDepth: config.BRIDGE_MAX_EVENT_DEPTH,
    },
    {
      fetchPage: createCheckoutApi(
        { baseUrl: apiUrl, token: config.CHECKOUT_API_TOKEN, limit: config.BRIDGE_PULL_LIMIT, timeoutMs: config.BRIDGE_PULL_TIMEOUT_MS },
        deps.fetch,
      ),
      readCursor: () => readLatestCursor(deps.kafka, deps.logger, { topic: topics.bridgeCursor, sourceId, sessionTimeoutMs: config.BRIDGE_CURSOR_SESSION_TIMEOUT_MS }),
      queue: deps.queue,
      metrics: deps.metrics,
      logger: deps.logger,
      deadLetterHeaders: deps.dlqHeaders,
    },
  );
}
