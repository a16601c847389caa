import { readFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive, readWarehouseOwner, warehouseDirectory } from '@ckt/warehouse';

/** Where a query goes: a running sink's read-only route, or the warehouse itself (chDB directory or server). */
export type QueryTarget =
  | { kind: 'sink'; url: string; source: 'SINK_QUERY_URL' | 'pipeline.json' | 'owner file'; fallbackToWarehouse: boolean }
  | { kind: 'warehouse' };

interface TargetInputs {
  env: Record<string, string | undefined>;
  /** <DATA_DIR>/pipeline.json (written by `npm start`) by default. */
  pipelineFile?: string;
  readFile?: (file: string) => string;
  isAlive?: (pid: number) => boolean;
}

/**
 * Picks the target, first match wins:
 * 1. SINK_QUERY_URL — the sink's `POST /query` (explicit: failures are reported, no fallback);
 * 2. CLICKHOUSE_URL — the ClickHouse server, read-only;
 * 3. `sinkQueryUrl` in <DATA_DIR>/pipeline.json, written by a running `npm start` (DATA_DIR defaults to ./data);
 * 4. the sink-owner.json a running sink leaves in WAREHOUSE_PATH (default <DATA_DIR>/warehouse);
 * 5. the chDB directory WAREHOUSE_PATH, opened read-only by this process.
 * A discovered (3, 4) URL that refuses the connection falls back to 5: the sink is not running after all.
 */
export function resolveQueryTarget(inputs: TargetInputs): QueryTarget {
  const { env } = inputs;
  const readFile = inputs.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const isAlive = inputs.isAlive ?? processAlive;
  if (env.SINK_QUERY_URL) return { kind: 'sink', url: env.SINK_QUERY_URL, source: 'SINK_QUERY_URL', fallbackToWarehouse: false };
  if (env.CLICKHOUSE_URL) return { kind: 'warehouse' };
  const dataDir = env.DATA_DIR || 'data';
  const pipelineFile = inputs.pipelineFile ?? path.resolve(dataDir, 'pipeline.json');
  try {
    const pipeline = JSON.parse(readFile(pipelineFile)) as { pid?: unknown; sinkQueryUrl?: unknown };
    const running = typeof pipeline.pid === 'number' && pipeline.pid > 0 && isAlive(pipeline.pid);
    if (running && typeof pipeline.sinkQueryUrl === 'string' && pipeline.sinkQueryUrl !== '') {
      return { kind: 'sink', url: pipeline.sinkQueryUrl, source: 'pipeline.json', fallbackToWarehouse: true };
    }
  } catch {
    // no pipeline file: `npm start` is not running on this data directory
  }
  const owner = readWarehouseOwner(warehouseDirectory({ WAREHOUSE_PATH: env.WAREHOUSE_PATH || path.join(dataDir, 'warehouse') }));
  if (owner && isAlive(owner.pid)) return { kind: 'sink', url: owner.queryUrl, source: 'owner file', fallbackToWarehouse: true };
  return { kind: 'warehouse' };
}
