import type { RowValues, TableSpec } from '@ckt/domain';
import { LINEAGE_COLUMNS } from './column-types.ts';

/** Insert columns of an extracted table: its tables.ts columns, then the lineage columns. */
export function insertColumns(spec: TableSpec): string[] {
  return [...spec.columns.map((column) => column.name), ...LINEAGE_COLUMNS.map((column) => column.name)];
}

/**
 * Serializes a decoded row as one JSONCompactEachRow line in `insertColumns` order. Fields the table does not
 * have (a newer writer schema) are left out; columns missing from the row are sent as null, so ClickHouse
 * rejects them for non-nullable columns instead of inventing a default.
 */
export function createRowSerializer(spec: TableSpec): (values: RowValues, partition: number, offset: string) => string {
  const names = spec.columns.map((column) => column.name);
  return (values, partition, offset) => {
    const ordered = names.map((name) => values[name] ?? null);
    const json = JSON.stringify(ordered);
    // Offsets are decimal strings from Kafka: spliced in unquoted (UInt64, no float rounding).
    return `${json.slice(0, -1)},${partition},${offset}]`;
  };
}

/** Epoch ms of the row's version column (its event time), or undefined when absent or unparsable. */
export function versionTimeMs(spec: TableSpec, values: RowValues): number | undefined {
  if (!spec.version) return undefined;
  const value = values[spec.version];
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
