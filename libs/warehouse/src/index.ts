export { warehouseEnv, warehouseSchema } from './settings.ts';
export {
  openWarehouse,
  warehouseDirectory,
  type Warehouse,
  type InsertRequest,
  type QueryLimits,
} from './warehouse.ts';
export { migrate, loadMigrations, MigrationError, type MigrationResult } from './migrations.ts';
export { classifyWarehouseError, describeWarehouseError, warehouseErrorLabel, type WarehouseErrorKind } from './errors.ts';
export { clickhouseType, normaliseType, LINEAGE_COLUMNS } from './column-types.ts';
export { createRowSerializer, insertColumns, versionTimeMs } from './row-serializer.ts';
export { createAvroLineReader, type AvroLineReader } from './avro-line-reader.ts';
export { dedupInsertSettings, insertToken } from './insert-settings.ts';
export { readProgress, recordProgress, forgetProgress, type ProgressRecord } from './progress.ts';
export { loadAnalystQueries } from './analyst-queries.ts';
export { writeWarehouseOwner, readWarehouseOwner, removeWarehouseOwner, processAlive, OWNER_FILE } from './owner-file.ts';
