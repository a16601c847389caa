import { readFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive, readWarehouseOwner, warehouseDirectory } from '@ckt/warehouse';

/** Where a query goes: a running sink's read-only route, or the warehouse itself (chDB directory or server). */
export type QueryTarget =
  | { kind: 'sink'; url: string; source: 'SINK_QUERY_URL' | 'stack.json' | 'owner file'; fallbackToWarehouse: boolean }
  | { kind: 'warehouse' };

export interface TargetInputs {
  env: Record<string, string | undefined>;
  /** ./data/stack.json by default. */
  stackFile?: string;
  readFile?: (file: string) => string;
  isAlive?: (pid: number) => boolean;
}

/**
 * Picks the target, first match wins:
 * 1. SINK_QUERY_URL — the sink's `POST /query` (explicit: failures are reported, no fallback);
 * 2. CLICKHOUSE_URL — the ClickHouse server, read-only;
 * 3. `sinkQueryUrl` in ./data/stack.json (written by the local stack);
 * 4. the sink-owner.json a running sink leaves in WAREHOUSE_PATH;
 * 5. the chDB directory WAREHOUSE_PATH, opened read-only by this process.
 * A discovered (3, 4) URL that refuses the connection falls back to 5: the sink is not running after all.
 */
export function resolveQueryTarget(inputs: TargetInputs): QueryTarget {
  const { env } = inputs;
  const readFile = inputs.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const isAlive = inputs.isAlive ?? processAlive;
  if (env.SINK_QUERY_URL) return { kind: 'sink', url: env.SINK_QUERY_URL, source: 'SINK_QUERY_URL', fallbackToWarehouse: false };
  if (env.CLICKHOUSE_URL) return { kind: 'warehouse' };
  const stackFile = inputs.stackFile ?? path.resolve('data', 'stack.json');
  try {
    const stack = JSON.parse(readFile(stackFile)) as { sinkQueryUrl?: unknown };
    if (typeof stack.sinkQueryUrl === 'string' && stack.sinkQueryUrl !== '') {
      return { kind: 'sink', url: stack.sinkQueryUrl, source: 'stack.json', fallbackToWarehouse: true };
    }
  } catch {
    // no stack file: not running under the local stack
  }
  const owner = readWarehouseOwner(warehouseDirectory({ WAREHOUSE_PATH: env.WAREHOUSE_PATH || './data/warehouse' }));
  if (owner && isAlive(owner.pid)) return { kind: 'sink', url: owner.queryUrl, source: 'owner file', fallbackToWarehouse: true };
  return { kind: 'warehouse' };
}
