import { CATALOG, isKnownEvent, type RowSpec } from './catalog.ts';
import { derive, type DerivationContext } from './derivations.ts';
import type { Envelope } from './envelope.ts';
import type { FieldValue } from './field-values.ts';
import { validatePayload, type PayloadValues } from './payload-validation.ts';
import { TABLES, type ExtractedTableName, type RowValues, type TableSpec } from './tables.ts';
import type { ValueSource } from './value-sources.ts';

/** One warehouse row: its table, its grain key (grain column values joined with `|`) and every column's value. */
export interface WarehouseRow {
  table: ExtractedTableName;
  key: string;
  /** Every column of the table, in table order. */
  values: RowValues;
}

type ExtractionOptions = DerivationContext;

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

type SourceReader = (envelope: Envelope, payload: PayloadValues, context: DerivationContext) => FieldValue;

interface ColumnPlan {
  readonly name: string;
  readonly nullable: boolean;
  /** Undefined for a column the row spec leaves out (NULL). */
  readonly read: SourceReader | undefined;
}

interface RowPlan {
  readonly table: TableSpec;
  readonly columns: readonly ColumnPlan[];
}

/** Row specs turned into readers once: the catalog is static, and walking it per event costs more than the event. */
const plans = new WeakMap<RowSpec, RowPlan>();

function planOf(rowSpec: RowSpec): RowPlan {
  let plan = plans.get(rowSpec);
  if (!plan) {
    const table = TABLES[rowSpec.table];
    const columns = table.columns.map((column) => {
      const source = rowSpec.columns[column.name];
      return { name: column.name, nullable: column.nullable, read: source === undefined ? undefined : readerOf(source) };
    });
    plan = { table, columns };
    plans.set(rowSpec, plan);
  }
  return plan;
}

/** A row, or the message of a non-nullable column left without value (a catalog error, kept off the crash path). */
function buildRow(rowSpec: RowSpec, envelope: Envelope, payload: PayloadValues, context: DerivationContext): WarehouseRow | string {
  const { table, columns } = planOf(rowSpec);
  const values: RowValues = {};
  for (const column of columns) {
    const value = column.read === undefined ? null : column.read(envelope, payload, context);
    if (value === null && !column.nullable) return `${table.name}.${column.name}: no value for a non-nullable column`;
    values[column.name] = value;
  }
  const grain = table.grain;
  let key = grain.length === 0 ? '' : String(values[grain[0] as string]);
  for (let i = 1; i < grain.length; i++) key += `|${String(values[grain[i] as string])}`;
  return { table: rowSpec.table, key, values };
}

function readerOf(source: ValueSource): SourceReader {
  switch (source.from) {
    case 'payload': {
      const { path } = source;
      return (_envelope, payload) => payload.get(path) ?? null;
    }
    case 'envelope': {
      const { field } = source;
      return (envelope) => envelope[field];
    }
    case 'constant': {
      const { value } = source;
      return () => value;
    }
    case 'derived': {
      const input = readerOf(source.input);
      const { fn } = source;
      return (envelope, payload, context) => derive(fn, input(envelope, payload, context), context);
    }
    case 'first_of': {
      const candidates = source.sources.map(readerOf);
      return (envelope, payload, context) => {
        for (const candidate of candidates) {
          const value = candidate(envelope, payload, context);
          if (value !== null) return value;
        }
        return null;
      };
    }
  }
}
