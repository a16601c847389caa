export { warehouseEnv, warehouseSchema, type WarehouseSettings } from './settings.ts';
export {
  openWarehouse,
  warehouseDirectory,
  type Warehouse,
  type WarehouseTarget,
  type InsertRequest,
  type QueryParams,
  type StatementSettings,
  type OpenWarehouseOptions,
  type QueryLimits,
} from './warehouse.ts';
export { migrate, loadMigrations, parseMigration, MIGRATIONS_DIR, MIGRATIONS_TABLE, MigrationError, type Migration, type MigrationResult } from './migrations.ts';
export { classifyWarehouseError, describeWarehouseError, warehouseErrorLabel, clickhouseErrorCode, type WarehouseErrorKind } from './errors.ts';
export { clickhouseType, ddlColumns, normaliseType, LINEAGE_COLUMNS, type DdlColumn } from './column-types.ts';
export { createRowSerializer, insertColumns, versionTimeMs } from './row-serializer.ts';
export { createAvroLineReader, type AvroLineReader } from './avro-line-reader.ts';
export { dedupInsertSettings, insertToken } from './insert-settings.ts';
export { readProgress, recordProgress, forgetProgress, PROGRESS_TABLE, type ProgressRecord, type TopicProgress } from './progress.ts';
export { loadAnalystQueries, QUERIES_DIR, type AnalystQuery } from './analyst-queries.ts';
export { writeWarehouseOwner, readWarehouseOwner, removeWarehouseOwner, processAlive, OWNER_FILE, type WarehouseOwner } from './owner-file.ts';
export { splitStatements, quoteString, settingsClause } from './sql-text.ts';
