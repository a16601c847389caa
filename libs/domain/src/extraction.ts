import { CATALOG, isKnownEvent, type RowSpec } from './catalog.ts';
import { derive, type DerivationContext } from './derivations.ts';
import type { Envelope } from './envelope.ts';
import type { FieldValue } from './field-values.ts';
import { validatePayload, type PayloadValues } from './payload-validation.ts';
import { TABLES, type ExtractedTableName, type RowValues } from './tables.ts';
import type { ValueSource } from './value-sources.ts';

/** One warehouse row: its table, its grain key (grain column values joined with `|`) and every column's value. */
export interface WarehouseRow {
  table: ExtractedTableName;
  key: string;
  /** Every column of the table, in table order. */
  values: RowValues;
}

export type ExtractionOptions = DerivationContext;

export type ExtractionResult =
  | { ok: true; rows: WarehouseRow[] }
  | { ok: false; reason: 'invalid_payload' | 'unknown_event_name'; message: string };

/**
 * The warehouse rows of one envelope, driven entirely by the catalog: its fields are validated and converted,
 * then every row spec maps sources onto the table's columns. Failure messages name the field, never its value.
 */
export function extractRows(envelope: Envelope, options: ExtractionOptions): ExtractionResult {
  const name = envelope.event_name;
  if (!isKnownEvent(name)) return { ok: false, reason: 'unknown_event_name', message: 'event_name: not in the event catalog' };
  const spec = CATALOG[name];
  const validation = validatePayload(spec.fields, envelope.payload);
  if (!validation.ok) return { ok: false, reason: 'invalid_payload', message: validation.message };
  const rows: WarehouseRow[] = [];
  for (const rowSpec of spec.rows) {
    const row = buildRow(rowSpec, envelope, validation.values, options);
    if (typeof row === 'string') return { ok: false, reason: 'invalid_payload', message: row };
    rows.push(row);
  }
  return { ok: true, rows };
}

/** A row, or the message of a non-nullable column left without value (a catalog error, kept off the crash path). */
function buildRow(rowSpec: RowSpec, envelope: Envelope, payload: PayloadValues, context: DerivationContext): WarehouseRow | string {
  const table = TABLES[rowSpec.table];
  const values: RowValues = {};
  for (const column of table.columns) {
    const source = rowSpec.columns[column.name];
    const value = source === undefined ? null : resolve(source, envelope, payload, context);
    if (value === null && !column.nullable) return `${table.name}.${column.name}: no value for a non-nullable column`;
    values[column.name] = value;
  }
  const key = table.grain.map((column) => String(values[column])).join('|');
  return { table: rowSpec.table, key, values };
}

function resolve(source: ValueSource, envelope: Envelope, payload: PayloadValues, context: DerivationContext): FieldValue {
  switch (source.from) {
    case 'payload':
      return payload.get(source.path) ?? null;
    case 'envelope':
      return envelope[source.field];
    case 'constant':
      return source.value;
    case 'derived':
      return derive(source.fn, resolve(source.input, envelope, payload, context), context);
    case 'first_of':
      for (const candidate of source.sources) {
        const value = resolve(candidate, envelope, payload, context);
        if (value !== null) return value;
      }
      return null;
  }
}
