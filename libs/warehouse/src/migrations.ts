import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Logger } from '@ckt/logging';
import { splitStatements, quoteString } from './sql-text.ts';
import type { Warehouse } from './warehouse.ts';

/** The versioned DDL files of libs/warehouse/migrations, applied in version order. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Where applied migrations are recorded (created before the first migration runs). */
const MIGRATIONS_TABLE = 'dwh.schema_migrations';

interface Migration {
  version: number;
  name: string;
  /** SHA-256 of the file (line endings normalised): an applied migration must never change. */
  checksum: string;
  statements: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function parseMigration(fileName: string, text: string): Migration {
  const match = FILE_NAME.exec(fileName);
  if (!match) throw new MigrationError(`migration file ${fileName}: expected NNNN_name.sql`);
  const normalised = text.replace(/\r\n/g, '\n');
  return {
    version: Number(match[1]),
    name: match[2] as string,
    checksum: createHash('sha256').update(normalised).digest('hex'),
    statements: splitStatements(normalised),
  };
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseMigration(file, readFileSync(path.join(dir, file), 'utf8')));
  const seen = new Set<number>();
  for (const migration of migrations) {
    if (seen.has(migration.version)) throw new MigrationError(`two migrations have version ${migration.version}`);
    seen.add(migration.version);
    if (migration.statements.length === 0) throw new MigrationError(`migration ${migration.version}_${migration.name} has no statements`);
  }
  return migrations;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the migrations not yet recorded in dwh.schema_migrations, in order, and records each after its last
 * statement succeeded. Running it again is a no-op. Every statement is idempotent (IF NOT EXISTS, fills that skip
 * existing keys), so a migration interrupted half-way is simply run again from its first statement.
 * An applied migration whose file changed is refused: ship a new migration instead.
 */
export async function migrate(warehouse: Warehouse, options: { logger?: Logger; migrations?: Migration[] } = {}): Promise<MigrationResult> {
  const migrations = options.migrations ?? loadMigrations();
  await warehouse.command('CREATE DATABASE IF NOT EXISTS dwh');
  await warehouse.command(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY version`,
  );
  const rows = await warehouse.query<AppliedRow>(`SELECT version, name, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`);
  const applied = new Map(rows.map((row) => [Number(row.version), row]));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const label = `${String(migration.version).padStart(4, '0')}_${migration.name}`;
    const previous = applied.get(migration.version);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new MigrationError(`migration ${label} was applied with different content (checksum ${previous.checksum.slice(0, 12)}, file ${migration.checksum.slice(0, 12)}); never edit an applied migration, add a new one`);
      }
      result.alreadyApplied.push(label);
      continue;
    }
    for (const statement of migration.statements) await warehouse.command(statement);
    await warehouse.command(
      `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) SETTINGS insert_deduplicate = 0, async_insert = 0 VALUES (${migration.version}, ${quoteString(migration.name)}, ${quoteString(migration.checksum)})`,
    );
    options.logger?.info({ migration: label }, 'migration applied');
    result.applied.push(label);
  }
  return result;
}
