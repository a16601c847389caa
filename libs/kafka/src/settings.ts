import { z } from 'zod';
import { ConfigError, field } from '@ckt/config';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';

export const kafkaEnv = {
  KAFKA_BROKERS: field.hostPortList(),
  KAFKA_CLIENT_ID: field.text('checkout-ingest'),
  KAFKA_SSL: field.flag(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'expected plain, scram-sha-256 or scram-sha-512' }).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** Idempotent producers need broker support (InitProducerId); turn off for brokers without it. */
  KAFKA_IDEMPOTENT: field.flag(true),
  KAFKA_COMPRESSION: field.oneOf(['none', 'gzip'], 'none'),
  KAFKA_SESSION_TIMEOUT_MS: field.integer(30_000, { min: 1000 }),
  /** Longest a fetch waits on an idle partition; bounds latency where a broker holds idle fetches (the mock does). */
  KAFKA_FETCH_MAX_WAIT_MS: field.integer(200, { min: 10, max: 10_000 }),
  /** Partitions and replication used when this service may create its topics. */
  TOPIC_PARTITIONS: field.integer(6, { min: 1 }),
  TOPIC_REPLICATION_FACTOR: field.integer(-1, { min: -1 }),
  /** retention.ms of the topics this service creates (not the compacted cursor topic); unset: the broker's default. */
  TOPIC_RETENTION_MS: z.coerce.number().int().min(-1).optional(),
  /** How often consumer-group lag is read from the broker for the lag gauge. */
  LAG_POLL_MS: field.integer(10_000, { min: 0 }),
};
export const kafkaSchema = z.object(kafkaEnv);
export type KafkaSettings = z.infer<typeof kafkaSchema>;

/** Topic names unless configured: the catalog's (DEFAULT_TOPIC_NAMES). */
export const topicsEnv = {
  TOPIC_RAW: field.text(DEFAULT_TOPIC_NAMES.raw),
  TOPIC_DLQ: field.text(DEFAULT_TOPIC_NAMES.dlq),
  TOPIC_FAMILY_PREFIX: field.text(DEFAULT_TOPIC_NAMES.familyPrefix),
  TOPIC_DWH_PREFIX: field.text(DEFAULT_TOPIC_NAMES.dwhPrefix),
  TOPIC_BRIDGE_CURSOR: field.text(DEFAULT_TOPIC_NAMES.bridgeCursor),
};

/**
 * Each stage's consumer group unless configured (ROUTER_GROUP_ID, EXTRACTOR_GROUP_ID, SINK_GROUP_ID,
 * ARCHIVE_GROUP_ID). An archiver's default is `archiver.<its topic>`; the raw archive runs as `raw-archiver`.
 */
export const DEFAULT_GROUP_IDS = {
  router: 'checkout-router',
  extractor: 'checkout-extractor',
  sink: 'checkout-sink-clickhouse',
  rawArchiver: 'raw-archiver',
  archiverOf: (topic: string) => `archiver.${topic}`,
} as const;
type TopicSettings = z.infer<z.ZodObject<typeof topicsEnv>>;

/** The topic names in the shape the domain rules use. */
export function topicNames(s: TopicSettings) {
  return { raw: s.TOPIC_RAW, dlq: s.TOPIC_DLQ, familyPrefix: s.TOPIC_FAMILY_PREFIX, dwhPrefix: s.TOPIC_DWH_PREFIX, bridgeCursor: s.TOPIC_BRIDGE_CURSOR };
}

/** SASL needs both credentials; checked here because it spans variables. */
export function checkKafkaSettings(s: KafkaSettings): KafkaSettings {
  if (s.KAFKA_SASL_MECHANISM && (!s.KAFKA_SASL_USERNAME || !s.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError(['KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set']);
  }
  return s;
}
