import type { DlqReason } from '@ckt/domain';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createBrokerProbe, createKafka, createPublisher, deadLetterHeaders, ensureServiceTopics, topicNames, type Publisher } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { createMetricsRegistry, runShutdownSteps, startHealthServer, type HealthServer } from '@ckt/observability';
import { sourceIdOf, type BridgeConfig } from './config.ts';
import { createBridgeMetrics } from './metrics.ts';
import { createCheckoutApi } from './pull/checkout-api.ts';
import { readLatestCursor } from './pull/cursor-reader.ts';
import { startPuller, type Puller } from './pull/puller.ts';
import { InflightBudget } from './push/inflight-budget.ts';
import { startIngestServer, type IngestServer } from './push/ingest-server.ts';
import { PublishQueue } from '@ckt/kafka';

export const SERVICE = 'producer-bridge';

export interface BridgeDeps {
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
  /** Graceful stop: no new requests, in-flight ones finished, the pull page finished, the producer flushed. */
  stop(): Promise<void>;
}

/** Starts the bridge: HTTP ingest and/or checkout API polling into the raw topic, with health and metrics. */
export async function startBridge(config: BridgeConfig, deps: BridgeDeps = {}): Promise<Bridge> {
  const logger = deps.logger ?? createLogger(SERVICE, config);
  const registry = deps.registry ?? createMetricsRegistry(SERVICE);
  const metrics = createBridgeMetrics(registry);
  const kafka = deps.kafka ?? createKafka(config, logger);
  const topics = topicNames(config);
  const pull = config.BRIDGE_MODE !== 'push';
  const push = config.BRIDGE_MODE !== 'pull';

  await ensureServiceTopics(kafka, [topics.raw, topics.dlq, ...(pull ? [topics.bridgeCursor] : [])], config, logger, topics);
  const publisher: Publisher = createPublisher(kafka, config);
  const probe = createBrokerProbe(config, logger);
  await publisher.connect();
  const queue = new PublishQueue((batches) => publisher.sendBatch(batches), {
    maxSendBytes: config.BRIDGE_MAX_SEND_BYTES,
    lingerMs: config.BRIDGE_LINGER_MS,
    onSend: ({ records, seconds, ok }) => {
      metrics.publishSeconds.observe({ outcome: ok ? 'acked' : 'failed' }, seconds);
      metrics.sendRecords.observe(records);
    },
  });
  const dlqHeaders = (reason: DlqReason, message: string) => deadLetterHeaders({ value: null, stage: 'bridge', reason, message }, SERVICE, new Date());

  let ingest: IngestServer | undefined;
  let puller: Puller | undefined;
  let health: HealthServer | undefined;
  try {
    if (push) {
      ingest = await startIngestServer(
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
          queue,
          budget: new InflightBudget(config.BRIDGE_MAX_INFLIGHT_BYTES, (bytes) => metrics.inflightBytes.set(bytes)),
          metrics,
          logger,
          deadLetterHeaders: dlqHeaders,
          producerReady: () => publisher.isConnected(),
        },
      );
    }
    if (pull && config.CHECKOUT_API_URL) {
      const sourceId = sourceIdOf(config);
      puller = startPuller(
        {
          sourceId,
          topics: { raw: topics.raw, dlq: topics.dlq, cursor: topics.bridgeCursor },
          pollIntervalMs: config.BRIDGE_POLL_INTERVAL_MS,
          maxEventBytes: config.BRIDGE_MAX_EVENT_BYTES,
          maxEventDepth: config.BRIDGE_MAX_EVENT_DEPTH,
        },
        {
          fetchPage: createCheckoutApi(
            { baseUrl: config.CHECKOUT_API_URL, token: config.CHECKOUT_API_TOKEN, limit: config.BRIDGE_PULL_LIMIT, timeoutMs: config.BRIDGE_PULL_TIMEOUT_MS },
            deps.fetch,
          ),
          readCursor: () =>
            readLatestCursor(kafka, logger, { topic: topics.bridgeCursor, sourceId, sessionTimeoutMs: config.BRIDGE_CURSOR_SESSION_TIMEOUT_MS }),
          queue,
          metrics,
          logger,
          deadLetterHeaders: dlqHeaders,
        },
      );
    }
    health = await startHealthServer({
      port: config.METRICS_PORT,
      host: config.METRICS_HOST,
      registry,
      readiness: {
        // Not the producer's own "connected": it stays so through an outage while every publish fails.
        kafka: async () => publisher.isConnected() && (await probe.reachable()),
        ...(ingest ? { ingest: () => ingest?.accepting() ?? false } : {}),
        ...(puller ? { pull_cursor: () => puller?.isReady() ?? false } : {}),
      },
    });
  } catch (error) {
    await ingest?.close();
    await puller?.stop();
    await publisher.disconnect();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const healthServer = health;
  return {
    url: ingest?.url,
    healthUrl: healthServer.url,
    registry,
    puller,
    stop: () =>
      (stopping ??= (async () => {
        // A broker that stays down must not hold the exit forever: what is unacknowledged by then was never
        // answered 202 (push) or has no stored cursor (pull), so it is resent, not lost.
        const grace = config.BRIDGE_PUBLISH_TIMEOUT_MS;
        await runShutdownSteps(
          [
            // Requests in flight wait for their publish at most the grace, then are answered.
            { name: 'close ingest server', timeoutMs: grace + 5000, run: async () => ingest?.close() },
            { name: 'stop puller', timeoutMs: grace, run: async () => puller?.stop() },
            { name: 'publish what is queued', timeoutMs: grace, run: () => queue.close() },
            { name: 'disconnect producer', run: () => publisher.disconnect() },
            { name: 'stop broker probe', run: () => probe.stop() },
            { name: 'close health server', run: () => healthServer.close() },
          ],
          logger,
        );
        logger.info('bridge stopped');
      })()),
  };
}
