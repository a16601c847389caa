import { describe, expect, it } from 'vitest';
import { migrate, parseMigration, MigrationError } from './migrations.ts';
import type { Warehouse } from './warehouse.ts';

/** A warehouse double that remembers statements and the migrations table. */
function fakeWarehouse(): Warehouse & { commands: string[] } {
  const applied: { version: number; name: string; checksum: string }[] = [];
  const commands: string[] = [];
  return {
    target: 'chdb',
    location: 'memory',
    readonly: false,
    commands,
    async query<T>() {
      return applied as T[];
    },
    async queryText() {
      return '';
    },
    async command(sql) {
      commands.push(sql);
      const record = /INSERT INTO dwh\.schema_migrations .* VALUES \((\d+), '([^']*)', '([^']*)'\)/.exec(sql);
      if (record) applied.push({ version: Number(record[1]), name: record[2] as string, checksum: record[3] as string });
    },
    async insert() {},
    async ping() {
      return true;
    },
    async close() {},
  };
}

const first = parseMigration('0001_one.sql', 'CREATE TABLE IF NOT EXISTS dwh.a (x UInt8) ENGINE = Memory;\nCREATE VIEW IF NOT EXISTS dwh.v AS SELECT 1;');
const second = parseMigration('0002_two.sql', 'CREATE TABLE IF NOT EXISTS dwh.b (x UInt8) ENGINE = Memory;');

describe('migrate', () => {
  it('applies pending migrations in order and records each; a second run is a no-op', async () => {
    const warehouse = fakeWarehouse();
    expect(await migrate(warehouse, { migrations: [first, second] })).toEqual({ applied: ['0001_one', '0002_two'], alreadyApplied: [] });
    const ddl = warehouse.commands.filter((c) => c.startsWith('CREATE TABLE IF NOT EXISTS dwh.') || c.startsWith('CREATE VIEW'));
    expect(ddl.map((c) => c.slice(0, 40))).toEqual([
      'CREATE TABLE IF NOT EXISTS dwh.schema_mi',
      'CREATE TABLE IF NOT EXISTS dwh.a (x UInt',
      'CREATE VIEW IF NOT EXISTS dwh.v AS SELEC',
      'CREATE TABLE IF NOT EXISTS dwh.b (x UInt',
    ]);
    const before = warehouse.commands.length;
    expect(await migrate(warehouse, { migrations: [first, second] })).toEqual({ applied: [], alreadyApplied: ['0001_one', '0002_two'] });
    expect(warehouse.commands.slice(before).every((c) => !c.includes('dwh.a') && !c.includes('dwh.b'))).toBe(true);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const warehouse = fakeWarehouse();
    await migrate(warehouse, { migrations: [first] });
    const edited = parseMigration('0001_one.sql', 'CREATE TABLE IF NOT EXISTS dwh.a (x UInt16) ENGINE = Memory;');
    await expect(migrate(warehouse, { migrations: [edited] })).rejects.toThrow(MigrationError);
  });

  it('rejects badly named files', () => {
    expect(() => parseMigration('one.sql', 'SELECT 1')).toThrow(/NNNN_name\.sql/);
  });
});
