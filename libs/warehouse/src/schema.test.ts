import { describe, expect, it } from 'vitest';
import { EXTRACTED_TABLES, TABLES, TABLE_NAMES } from '@ckt/domain';
import { clickhouseType, ddlColumns, LINEAGE_COLUMNS, normaliseType } from './column-types.ts';
import { loadMigrations } from './migrations.ts';
import { loadAnalystQueries } from './analyst-queries.ts';

const migrations = loadMigrations();
const statements = migrations.flatMap((m) => m.statements);
const columns = ddlColumns(statements);

function createStatement(table: string): string {
  const found = statements.find((s) => new RegExp(`CREATE TABLE IF NOT EXISTS dwh\\.${table}\\s*\\(`).test(s));
  if (!found) throw new Error(`no CREATE TABLE for ${table}`);
  return found.replace(/--[^\n]*/g, '');
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('create every table of tables.ts with exactly its columns and types (plus lineage on extracted tables)', () => {
    for (const name of TABLE_NAMES) {
      const spec = TABLES[name];
      const expected = spec.columns.map((column) => ({ name: column.name, type: normaliseType(clickhouseType(column)) }));
      if (spec.extracted) expected.push(...LINEAGE_COLUMNS.map((c) => ({ name: c.name, type: c.type })));
      expect(columns.get(`dwh.${name}`), name).toEqual(expected);
    }
  });

  it('deduplicate each table by its grain, with its version column deciding', () => {
    for (const name of TABLE_NAMES) {
      const spec = TABLES[name];
      const ddl = createStatement(name);
      const orderBy = /^ORDER BY\s+\(?([^)\n]+)\)?/m.exec(ddl)?.[1]?.split(',').map((s) => s.trim());
      expect(orderBy, name).toEqual([...spec.grain]);
      const engine = /ENGINE = (ReplacingMergeTree(?:\((\w*)\))?)/.exec(ddl);
      expect(engine, name).not.toBeNull();
      expect(engine?.[2] || null, name).toBe(spec.version);
    }
  });

  it('give every extracted table a dedup window so insert tokens work without replication', () => {
    for (const name of EXTRACTED_TABLES) expect(createStatement(name), name).toMatch(/non_replicated_deduplication_window = [1-9]\d*/);
  });

  it('are idempotent statement by statement (IF NOT EXISTS, or a fill that skips existing keys)', () => {
    for (const statement of statements) {
      const text = statement.replace(/--[^\n]*/g, '').trim();
      if (/^INSERT/i.test(text)) expect(text).toMatch(/NOT IN \(SELECT/);
      else expect(text).toMatch(/^CREATE (TABLE|VIEW|DATABASE) IF NOT EXISTS /);
    }
  });

  it('hide the lineage columns from the current views', () => {
    const views = statements.filter((s) => /CREATE VIEW/.test(s));
    expect(views).toHaveLength(2);
    for (const view of views) expect(view).not.toMatch(/_kafka_/);
  });
});

describe('analyst queries', () => {
  it('ship the four queries of the issue, reading deduplicated data', () => {
    const queries = loadAnalystQueries();
    expect(queries.map((q) => q.name)).toEqual(['checkout_funnel', 'payment_failure_rate_by_processor', 'refunds', 'sales_per_attraction_per_day']);
    for (const query of queries) expect(query.sql, query.name).toMatch(/FINAL/);
  });
});
