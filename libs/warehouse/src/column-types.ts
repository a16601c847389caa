import type { ColumnSpec, ColumnType } from '@ckt/domain';

const PHYSICAL: Record<ColumnType, string> = {
  string: 'String',
  'decimal(18,2)': 'Decimal(18, 2)',
  'timestamp(ms,UTC)': "DateTime64(3, 'UTC')",
  date: 'Date',
  uint32: 'UInt32',
  uint16: 'UInt16',
  uint8: 'UInt8',
  bool: 'Bool',
};

/** The ClickHouse type of a column of libs/domain's tables.ts, e.g. `LowCardinality(Nullable(String))`. */
export function clickhouseType(column: Pick<ColumnSpec, 'type' | 'nullable' | 'lowCardinality'>): string {
  const base = PHYSICAL[column.type];
  const nullable = column.nullable ? `Nullable(${base})` : base;
  return column.lowCardinality ? `LowCardinality(${nullable})` : nullable;
}

/** Columns the sink adds to every extracted table: where in Kafka the row came from (not contract columns). */
export const LINEAGE_COLUMNS = [
  { name: '_kafka_partition', type: 'UInt32' },
  { name: '_kafka_offset', type: 'UInt64' },
] as const;

interface DdlColumn {
  name: string;
  type: string;
}

/**
 * The column list of every `CREATE TABLE` in a migration's statements, keyed by qualified table name
 * (indexes and projections are left out). Used to check the DDL against tables.ts.
 */
export function ddlColumns(statements: readonly string[]): Map<string, DdlColumn[]> {
  const tables = new Map<string, DdlColumn[]>();
  for (const statement of statements) {
    const text = statement.replace(/--[^\n]*/g, '');
    const header = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z0-9_.]+)\s*\(/i.exec(text);
    if (!header) continue;
    const body = balancedBody(text, header[0].length - 1);
    const columns: DdlColumn[] = [];
    for (const item of splitTopLevel(body)) {
      const trimmed = item.trim();
      if (/^(INDEX|PROJECTION|CONSTRAINT)\s/i.test(trimmed)) continue;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/s.exec(trimmed);
      if (match) columns.push({ name: match[1] as string, type: normaliseType((match[2] as string).replace(/\s+(DEFAULT|MATERIALIZED|ALIAS|CODEC|COMMENT)\b.*$/is, '')) });
    }
    tables.set(header[1] as string, columns);
  }
  return tables;
}

/** `Decimal(18,2)` and `Decimal(18, 2)` compare equal. */
export function normaliseType(type: string): string {
  return type.replace(/\s+/g, ' ').replace(/\s*,\s*/g, ', ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

function balancedBody(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced parentheses in CREATE TABLE');
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.filter((part) => part.trim() !== '');
}
