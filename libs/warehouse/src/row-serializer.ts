import { epochMsFromIso, type RowValues, type TableSpec } from '@ckt/domain';
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
  const count = names.length;
  return (values, partition, offset) => {
    const ordered: unknown[] = new Array(count + 2);
    for (let i = 0; i < count; i++) ordered[i] = values[names[i] as string] ?? null;
    ordered[count] = partition;
    // Offsets are decimal strings from Kafka, written unquoted (UInt64). Up to 15 digits they are exact as
    // numbers, and the line comes out of JSON.stringify as one flat string (buffered rows hold nothing else).
    if (offset.length <= 15) {
      ordered[count + 1] = Number(offset);
      return JSON.stringify(ordered);
    }
    ordered.length = count + 1;
    const json = JSON.stringify(ordered);
    return `${json.slice(0, -1)},${offset}]`;
  };
}

/** Epoch ms of the row's version column (its event time), or undefined when absent or unparsable. */
export function versionTimeMs(spec: TableSpec, values: RowValues): number | undefined {
  if (!spec.version) return undefined;
  const value = values[spec.version];
  if (typeof value !== 'string') return undefined;
  // Decoded rows carry the canonical form; anything else still goes through Date.parse.
  const ms = epochMsFromIso(value) ?? Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
