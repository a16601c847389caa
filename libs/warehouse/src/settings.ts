import { z } from 'zod';
import { field } from '@ckt/config';

export const warehouseEnv = {
  /** Embedded chDB data directory, used when CLICKHOUSE_URL is not set. Only one process may open it. */
  WAREHOUSE_PATH: field.text('./data/warehouse'),
  /** ClickHouse server HTTP(S) URL, e.g. http://clickhouse:8123; when set, it is the warehouse instead of chDB. */
  CLICKHOUSE_URL: field.optionalHttpUrl(),
  /** ClickHouse user (server only). */
  CLICKHOUSE_USER: field.text('default'),
  /** ClickHouse password (server only; secret). */
  CLICKHOUSE_PASSWORD: field.text(''),
  /** Timeout of one request to the ClickHouse server; a timed-out insert is retried with the same dedup token. */
  CLICKHOUSE_REQUEST_TIMEOUT_MS: field.integer(60_000, { min: 1000 }),
};
export const warehouseSchema = z.object(warehouseEnv);
export type WarehouseSettings = z.infer<typeof warehouseSchema>;
