// `npm run migrate`: applies the warehouse migrations (the sink also applies them at start) and prints what it
// did as one JSON line. Against chDB, refuses while a sink process holds the directory.
import { z } from 'zod';
import { loadConfig, runService } from '@ckt/config';
import { createCommandLogger, loggingEnv } from '@ckt/logging';
import { migrate, openWarehouse, processAlive, readWarehouseOwner, warehouseDirectory, warehouseEnv } from '@ckt/warehouse';

runService('migrate', async () => {
  const config = loadConfig(z.object({ ...warehouseEnv, ...loggingEnv }));
  const logger = createCommandLogger('migrate', config);
  if (!config.CLICKHOUSE_URL) {
    const owner = readWarehouseOwner(warehouseDirectory(config));
    if (owner && processAlive(owner.pid)) {
      throw new Error(`the sink (pid ${owner.pid}) holds the chDB warehouse at ${warehouseDirectory(config)} and applies migrations at start; stop it first`);
    }
  }
  const warehouse = await openWarehouse(config);
  try {
    const result = await migrate(warehouse, { logger });
    console.log(JSON.stringify({ warehouse: warehouse.target, location: warehouse.location, ...result }));
  } finally {
    await warehouse.close();
  }
});
