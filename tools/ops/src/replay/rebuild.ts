import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '@ckt/config';
import { ReplayRefusedError } from './replay.ts';
import { forgetProgress, openWarehouse, processAlive, readWarehouseOwner, warehouseDirectory, warehouseEnv } from '@ckt/warehouse';

/**
 * Forgets the sink's progress (dwh.sink_progress_v2) of `topics`, so a sink replay writes their rows again: for a
 * table that was truncated or dropped. The warehouse is CLICKHOUSE_URL, or chDB in WAREHOUSE_PATH (default
 * <DATA_DIR>/warehouse), which the sink must not hold. Returns how many partitions had progress recorded.
 */
export async function forgetSinkProgress(topics: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const settings = loadConfig(z.object(warehouseEnv), { WAREHOUSE_PATH: path.join(dataDir, 'warehouse'), ...env });
  if (!settings.CLICKHOUSE_URL) {
    const owner = readWarehouseOwner(warehouseDirectory(settings));
    if (owner && processAlive(owner.pid)) throw new ReplayRefusedError(`the sink (pid ${owner.pid}) holds the warehouse ${warehouseDirectory(settings)}: stop it first`);
  }
  const warehouse = await openWarehouse(settings);
  try {
    return await forgetProgress(warehouse, topics);
  } finally {
    await warehouse.close();
  }
}
