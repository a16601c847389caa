import { z } from 'zod';
import { field } from '@ckt/config';
import { EXTRACTED_TABLES, isExtractedTable, type ExtractedTableName } from '@ckt/domain';
import { DEFAULT_GROUP_IDS, kafkaEnv, topicsEnv } from '@ckt/kafka';
import { loggingEnv } from '@ckt/logging';
import { observabilityEnv } from '@ckt/observability';
import { schemaRegistryEnv } from '@ckt/schemas';
import { warehouseEnv } from '@ckt/warehouse';

const tableList = z
  .string()
  .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
  .refine((tables) => tables.length > 0 && tables.every(isExtractedTable), {
    error: `expected a comma-separated list of ${EXTRACTED_TABLES.join(', ')}`,
  })
  .transform((tables) => tables as ExtractedTableName[])
  .default([...EXTRACTED_TABLES]);

const sinkEnv = {
  ...kafkaEnv,
  ...topicsEnv,
  ...loggingEnv,
  ...observabilityEnv,
  ...warehouseEnv,
  /** SCHEMA_REGISTRY_URL (+ optional basic auth): rows are decoded with the writer schema named in each record. */
  ...schemaRegistryEnv,
  /** Consumer group of the sink on the dwh.* topics. */
  SINK_GROUP_ID: field.text(DEFAULT_GROUP_IDS.sink),
  /** Tables to load (each from its dwh.<table> topic); default all extracted tables. */
  SINK_TABLES: tableList,
  /** Flush a partition's buffer at this many rows (one insert never holds more). */
  SINK_FLUSH_ROWS: field.integer(10_000, { min: 1 }),
  /** ...or at this many bytes of insert body (JSON), whichever comes first. */
  SINK_FLUSH_BYTES: field.integer(8 * 1024 * 1024, { min: 1024 }),
  /** ...or this long after the buffer's first row arrived. */
  SINK_FLUSH_INTERVAL_MS: field.integer(1000, { min: 10 }),
  /**
   * Memory budget (estimated heap) of all buffered and in-flight rows, shared equally by the assigned partitions:
   * a partition over its share is flushed at once, and paused if it still holds more (e.g. its table is failing),
   * so one slow table never takes memory from the others. Small shares mean smaller inserts.
   */
  SINK_MAX_BUFFERED_BYTES: field.integer(64 * 1024 * 1024, { min: 1024 * 1024 }),
  /** Inserts running at once per table (partitions of a table flush in parallel up to this). */
  SINK_TABLE_INSERT_CONCURRENCY: field.integer(2, { min: 1, max: 64 }),
  /** dwh partitions handed to the sink at the same time (handing over is quick; flushing is asynchronous). */
  SINK_PARTITIONS_CONCURRENTLY: field.integer(64, { min: 1, max: 1024 }),
  /** First delay before retrying a failed insert; doubles (with jitter) up to SINK_RETRY_MAX_MS. */
  SINK_RETRY_INITIAL_MS: field.integer(200, { min: 1 }),
  SINK_RETRY_MAX_MS: field.integer(10_000, { min: 1 }),
  /** How long a graceful stop waits for buffered rows to be written and committed. */
  SINK_DRAIN_TIMEOUT_MS: field.integer(15_000, { min: 0 }),
  /**
   * Read-only `POST /query` on its own port (for `npm run query` while the sink holds the chDB directory).
   * auto = only when the warehouse is chDB (with a server, query the server itself with a read-only user).
   */
  SINK_QUERY_ROUTE: field.oneOf(['auto', 'on', 'off'], 'auto'),
  SINK_QUERY_PORT: field.port(9470),
  /** Interface of the query route; anything but loopback requires SINK_QUERY_TOKEN. */
  SINK_QUERY_HOST: field.text('127.0.0.1'),
  /** Bearer token the query route requires (a secret: pass it by env or a k8s Secret). */
  SINK_QUERY_TOKEN: z.string().min(16).optional(),
  SINK_QUERY_MAX_STATEMENT_BYTES: field.integer(64 * 1024, { min: 1024 }),
  SINK_QUERY_MAX_MEMORY_BYTES: field.integer(512 * 1024 * 1024, { min: 16 * 1024 * 1024 }),
  SINK_QUERY_MAX_SECONDS: field.integer(30, { min: 1 }),
  SINK_QUERY_MAX_RESULT_ROWS: field.integer(1_000_000, { min: 1 }),
  SINK_QUERY_MAX_RESULT_BYTES: field.integer(64 * 1024 * 1024, { min: 1024 }),
  /** Queries running at once; more get 429. */
  SINK_QUERY_CONCURRENCY: field.integer(2, { min: 1, max: 64 }),
};
export const sinkSchema = z.object(sinkEnv);
export type SinkConfig = z.infer<typeof sinkSchema>;
