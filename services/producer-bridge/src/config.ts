import { z } from 'zod';
import { ConfigError, field, loadConfig, type Env } from '@ckt/config';
import { kafkaEnv, topicsEnv } from '@ckt/kafka';
import { loggingEnv } from '@ckt/logging';
import { observabilityEnv } from '@ckt/observability';

const MIB = 1024 * 1024;

/** Comma-separated secrets; blanks dropped. */
const tokenList = () =>
  z
    .string()
    .default('')
    .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean));

const bridgeEnv = {
  ...kafkaEnv,
  ...topicsEnv,
  ...loggingEnv,
  ...observabilityEnv,
  /** push: HTTP ingest only; pull: poll the checkout API only; both: HTTP ingest and polling. */
  BRIDGE_MODE: field.oneOf(['push', 'pull', 'both'], 'push'),
  /** Port of the HTTP ingest API (POST /v1/events). */
  BRIDGE_PORT: field.port(8080),
  /** Interface the ingest API listens on: loopback unless configured (compose and k8s set 0.0.0.0). */
  BRIDGE_HOST: field.text('127.0.0.1'),
  /** Accepted bearer tokens, comma-separated; empty = no authentication (only behind a trusted proxy). */
  BRIDGE_TOKENS: tokenList(),
  /** Largest request body in bytes, counted after gzip decompression (413 above). */
  BRIDGE_MAX_BODY_BYTES: field.integer(5 * MIB, { min: 1024 }),
  /** Most events in one request (413 above). */
  BRIDGE_MAX_EVENTS: field.integer(10_000, { min: 1 }),
  /** Largest single event (its normalised JSON) in bytes; larger events are dead-lettered as payload_too_large. Keep below the broker's message.max.bytes. */
  BRIDGE_MAX_EVENT_BYTES: field.integer(1_000_000, { min: 1024 }),
  /** Deepest nesting of objects/arrays in one event (the envelope is level 1); deeper events are dead-lettered as payload_too_large. */
  BRIDGE_MAX_EVENT_DEPTH: field.integer(32, { min: 4, max: 1000 }),
  /** Request bytes held in memory at once (being read or awaiting broker acks); beyond it requests get 503. */
  BRIDGE_MAX_INFLIGHT_BYTES: field.integer(64 * MIB, { min: 1024 }),
  /** How long a request waits for the broker's acks before it answers 503 (the producer itself retries forever). */
  BRIDGE_PUBLISH_TIMEOUT_MS: field.integer(10_000, { min: 1 }),
  /** Retry-After (seconds) sent with 503 answers. */
  BRIDGE_RETRY_AFTER_SECONDS: field.integer(5, { min: 1 }),
  /** Wait this long for other requests before a producer send, to coalesce them (0 = only what queued during the previous send). */
  BRIDGE_LINGER_MS: field.integer(0, { min: 0, max: 1000 }),
  /** Most record bytes in one producer send (so every per-partition batch stays below the broker's message.max.bytes). */
  BRIDGE_MAX_SEND_BYTES: field.integer(1_000_000, { min: 1024 }),
  /** Base URL of the checkout API polled in pull mode (GET {url}/events?since=&limit=). */
  CHECKOUT_API_URL: field.optionalHttpUrl(),
  /** Bearer token sent to the checkout API, if it needs one. */
  CHECKOUT_API_TOKEN: z.string().optional(),
  /** Key of this source's cursor in the cursor topic; defaults to CHECKOUT_API_URL. */
  BRIDGE_SOURCE_ID: z.string().optional(),
  /** Pause between polls once the API has no new events. */
  BRIDGE_POLL_INTERVAL_MS: field.integer(1000, { min: 10 }),
  /** Events asked for per poll (the API may return fewer). */
  BRIDGE_PULL_LIMIT: field.integer(500, { min: 1, max: 10_000 }),
  /** Timeout of one checkout API request. */
  BRIDGE_PULL_TIMEOUT_MS: field.integer(10_000, { min: 100 }),
  /** Session timeout of the short-lived consumer that reads the cursor topic at start-up. */
  BRIDGE_CURSOR_SESSION_TIMEOUT_MS: field.integer(10_000, { min: 1000 }),
};

export const bridgeSchema = z.object(bridgeEnv);
export type BridgeConfig = z.infer<typeof bridgeSchema>;

/** Loads and cross-checks the bridge's settings; throws ConfigError naming the variables. */
export function loadBridgeConfig(env: Env = process.env): BridgeConfig {
  const config = loadConfig(bridgeSchema, env);
  const issues: string[] = [];
  if (config.BRIDGE_MODE !== 'push' && !config.CHECKOUT_API_URL) {
    issues.push(`CHECKOUT_API_URL: required when BRIDGE_MODE is ${config.BRIDGE_MODE}`);
  }
  if (config.BRIDGE_MAX_EVENT_BYTES > config.BRIDGE_MAX_SEND_BYTES) {
    issues.push('BRIDGE_MAX_EVENT_BYTES: must not exceed BRIDGE_MAX_SEND_BYTES');
  }
  if (config.BRIDGE_MAX_INFLIGHT_BYTES < config.BRIDGE_MAX_BODY_BYTES) {
    issues.push('BRIDGE_MAX_INFLIGHT_BYTES: must be at least BRIDGE_MAX_BODY_BYTES, or a full-size request could never be accepted');
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

/** The cursor key of a pull source. */
export function sourceIdOf(config: Pick<BridgeConfig, 'BRIDGE_SOURCE_ID' | 'CHECKOUT_API_URL'>): string {
  return config.BRIDGE_SOURCE_ID ?? config.CHECKOUT_API_URL ?? 'checkout-api';
}
