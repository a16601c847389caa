import { z } from 'zod';
import { field } from '@ckt/config';
import { archiveEnv } from '@ckt/archive';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { DEFAULT_GROUP_IDS, kafkaEnv } from '@ckt/kafka';
import { loggingEnv } from '@ckt/logging';
import { observabilityEnv } from '@ckt/observability';

const MIB = 1024 * 1024;

const archiverEnv = {
  ...kafkaEnv,
  ...loggingEnv,
  ...observabilityEnv,
  ...archiveEnv,
  /** The topic this instance archives: checkout.dlq (dead letters) or checkout.events.raw (raw archive). */
  ARCHIVE_TOPIC: field.text(DEFAULT_TOPIC_NAMES.dlq),
  /** How this instance names itself in logs, the metrics' `service` label and its Kafka client id (the raw
   * archive runs the same code as `raw-archiver`). */
  ARCHIVE_SERVICE_NAME: field.text('dlq-archiver'),
  /** Consumer group; default `archiver.<ARCHIVE_TOPIC>`, so the two uses never share offsets. */
  ARCHIVE_GROUP_ID: z.string().optional(),
  /** An object is closed at this many records. */
  ARCHIVE_MAX_RECORDS: field.integer(10_000, { min: 1, max: 1_000_000 }),
  /** An object is closed before its uncompressed NDJSON would exceed this many bytes (a larger record is an object of its own). */
  ARCHIVE_MAX_BYTES: field.integer(64 * MIB, { min: 1024, max: 1024 * MIB }),
  /** A partly filled object is written once its oldest record has waited this long (wall clock). */
  ARCHIVE_MAX_AGE_MS: field.integer(60_000, { min: 100 }),
  /** Backoff between attempts while the object store fails: starts here, doubles up to ARCHIVE_RETRY_MAX_MS. */
  ARCHIVE_RETRY_INITIAL_MS: field.integer(500, { min: 10 }),
  ARCHIVE_RETRY_MAX_MS: field.integer(30_000, { min: 10 }),
  /** At stop, how long to wait for partly filled objects to be stored and committed. */
  ARCHIVE_FLUSH_ON_STOP_MS: field.integer(5000, { min: 0 }),
  /** Partitions whose batches are archived at the same time (uploads are the slow part). */
  ARCHIVE_PARTITIONS_CONCURRENTLY: field.integer(2, { min: 1, max: 64 }),
};
export const archiverSchema = z.object(archiverEnv);
export type ArchiverConfig = z.infer<typeof archiverSchema>;

export const groupIdOf = (config: Pick<ArchiverConfig, 'ARCHIVE_GROUP_ID' | 'ARCHIVE_TOPIC'>): string =>
  config.ARCHIVE_GROUP_ID ?? DEFAULT_GROUP_IDS.archiverOf(config.ARCHIVE_TOPIC);
