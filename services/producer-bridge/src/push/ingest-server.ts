import type { StageReason } from '@ckt/domain';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import type { BridgeMetrics } from '../metrics.ts';
import { createBearerAuth, discardBody, listen } from '@ckt/observability';
import { bodyEncodingOf, bodyFormatOf } from './body-format.ts';
import { parseBody } from './body-parser.ts';
import { readBody } from './body-reader.ts';
import { Reservation, type InflightBudget } from './inflight-budget.ts';
import { sendError, sendJson, type Accepted, type IngestErrorCode } from './ingest-response.ts';
import { PublishClosedError, PublishTimeoutError, type PublishQueue } from '@ckt/kafka';
import { planBatches, planEvents, type PublishPlan } from './publish-plan.ts';

const INGEST_PATH = '/v1/events';

/** A refused request's body is read and dropped up to this much (a 413's up to another maxBodyBytes). */
const SMALL_DISCARD_BYTES = 64 * 1024;
const DISCARD_TIMEOUT_MS = 5_000;

interface IngestSettings {
  port: number;
  host: string;
  tokens: readonly string[];
  maxBodyBytes: number;
  maxEvents: number;
  maxEventBytes: number;
  maxEventDepth: number;
  publishTimeoutMs: number;
  retryAfterSeconds: number;
  topics: { raw: string; dlq: string };
}

interface IngestDeps {
  queue: PublishQueue;
  budget: InflightBudget;
  metrics: BridgeMetrics;
  logger: Logger;
  /** The catalog's dlq.* headers for a bridge dead letter. */
  deadLetterHeaders: (reason: StageReason<'bridge'>, message: string) => IHeaders;
  /** False while the producer is not connected: requests get 503 without reading their body. */
  producerReady: () => boolean;
}

export interface IngestServer {
  readonly port: number;
  readonly url: string;
  /** Requests being handled right now. */
  readonly activeRequests: number;
  /** False once close() started (readiness: take this instance out of the load balancer). */
  accepting(): boolean;
  /** Stops accepting, answers new requests on open connections with 503, waits for the active ones. */
  close(): Promise<void>;
}

/** The push API: POST /v1/events (see README.md). */
export async function startIngestServer(settings: IngestSettings, deps: IngestDeps): Promise<IngestServer> {
  const { metrics, logger } = deps;
  const authorised = createBearerAuth(settings.tokens);
  const retryAfter = { 'retry-after': String(settings.retryAfterSeconds) };
  let closing = false;
  let active = 0;
  let idle: (() => void) | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== INGEST_PATH) return refuse(req, res, 404, 'not_found', `no such endpoint; POST events to ${INGEST_PATH}`);
    if (req.method !== 'POST') return refuse(req, res, 405, 'method_not_allowed', `use POST ${INGEST_PATH}`, { allow: 'POST' });
    if (!authorised(req.headers.authorization)) {
      return refuse(req, res, 401, 'unauthorized', 'missing or invalid bearer token', { 'www-authenticate': 'Bearer realm="producer-bridge"' });
    }
    if (closing) return refuse(req, res, 503, 'shutting_down', 'the bridge is shutting down; retry on another instance', retryAfter);
    const format = bodyFormatOf(req.headers['content-type']);
    if (!format) {
      return refuse(req, res, 415, 'unsupported_media_type', 'send application/json (an event or an array of events) or application/x-ndjson');
    }
    const encoding = bodyEncodingOf(req.headers['content-encoding']);
    if (!encoding) return refuse(req, res, 415, 'unsupported_encoding', 'Content-Encoding must be gzip or identity');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > settings.maxBodyBytes) {
      return refuse(req, res, 413, 'body_too_large', `request body is larger than ${settings.maxBodyBytes} bytes`, {}, settings.maxBodyBytes);
    }
    if (!deps.producerReady()) return refuse(req, res, 503, 'broker_unavailable', 'not connected to Kafka; retry later', retryAfter);

    const reservation = new Reservation(deps.budget);
    let releaseOnSettled = false;
    try {
      const read = await readBody(req, { maxBytes: settings.maxBodyBytes, encoding, reservation });
      const receivedAt = Date.now();
      if (!read.ok) {
        reservation.release();
        const discard = read.status === 413 ? settings.maxBodyBytes : SMALL_DISCARD_BYTES;
        return refuse(req, res, read.status, read.error, read.message, read.status === 503 ? retryAfter : {}, discard);
      }
      const parsed = parseBody(read.body.toString('utf8'), format, settings.maxEvents);
      if (!parsed.ok) return sendError(res, parsed.status, parsed.error, parsed.message);
      const plan = planEvents(parsed.items, { maxEventBytes: settings.maxEventBytes, maxDepth: settings.maxEventDepth });
      releaseOnSettled = true;
      const published = await publish(plan, receivedAt, () => reservation.release());
      if (!published.ok) return sendError(res, 503, published.error, published.message, retryAfter);
      countEvents(plan);
      const body: Accepted = {
        accepted: plan.records.length,
        rejected: plan.rejections.length,
        errors: plan.rejections.map(({ index, reason, message }) => ({ index, reason, message })),
      };
      return sendJson(res, 202, body);
    } finally {
      if (!releaseOnSettled) reservation.release();
    }
  }

  /** Only the broker's failures are 503 (retry the whole request); a fault in our own code is not. */
  async function publish(
    plan: PublishPlan,
    receivedAt: number,
    onSettled: () => void,
  ): Promise<{ ok: true } | { ok: false; error: 'shutting_down' | 'broker_unavailable'; message: string }> {
    try {
      await deps.queue.publish(planBatches(plan, settings.topics, deps.deadLetterHeaders, receivedAt), { timeoutMs: settings.publishTimeoutMs, onSettled });
      return { ok: true };
    } catch (error) {
      if (error instanceof PublishClosedError) return { ok: false, error: 'shutting_down', message: 'the bridge is shutting down; retry' };
      if (!(error instanceof PublishTimeoutError)) logger.error({ err: error }, 'publish failed');
      else logger.warn({ timeoutMs: settings.publishTimeoutMs }, 'broker did not acknowledge in time');
      return { ok: false, error: 'broker_unavailable', message: 'Kafka did not acknowledge the events; retry the whole request (events are deduplicated by event_id)' };
    }
  }

  /** Answers a request refused before (or while) its body was read: drain a bounded rest first, then answer and close. */
  async function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    error: IngestErrorCode,
    message: string,
    headers: Record<string, string> = {},
    discardBytes = SMALL_DISCARD_BYTES,
  ): Promise<void> {
    await discardBody(req, discardBytes, DISCARD_TIMEOUT_MS);
    sendError(res, status, error, message, { ...headers, connection: 'close' });
  }

  function countEvents(plan: PublishPlan): void {
    if (plan.records.length > 0) metrics.accepted.inc({ source: 'push' }, plan.records.length);
    if (plan.maskedCount > 0) metrics.masked.inc({ source: 'push' }, plan.maskedCount);
    for (const { reason } of plan.rejections) metrics.rejected.inc({ source: 'push', reason });
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    active++;
    res.once('close', () => {
      const status = String(res.statusCode);
      metrics.requests.inc({ status });
      metrics.requestSeconds.observe({ status }, (performance.now() - started) / 1000);
      if (--active === 0) idle?.();
    });
    handle(req, res).catch((error: unknown) => {
      // A bug, not the broker: 500 without Retry-After, so a poison request is not resent forever.
      logger.error({ err: error }, 'ingest request failed');
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the bridge failed on this request; it was not accepted', { connection: 'close' });
      else res.destroy();
    });
  });
  // A stuck client must not hold a request (and its in-flight bytes) for the default five minutes.
  server.requestTimeout = settings.publishTimeoutMs + 60_000;

  const { port, url } = await listen(server, settings.port, settings.host);
  logger.info({ port, path: INGEST_PATH, auth: settings.tokens.length > 0 }, 'ingest API listening');

  return {
    port,
    url,
    get activeRequests() {
      return active;
    },
    accepting: () => !closing,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
      server.closeIdleConnections();
      server.closeAllConnections();
      await closed;
    },
  };
}
