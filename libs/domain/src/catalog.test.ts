import { describe, expect, it } from 'vitest';
import { CATALOG, EVENT_NAMES, FAMILIES, eventsOfFamily, familyOf, isKnownEvent } from './catalog.ts';
import type { FieldKind, FieldSpec } from './field-types.ts';
import { EXTRACTED_TABLES, TABLES, TABLE_NAMES, type ColumnType } from './tables.ts';
import type { DerivationName, ValueSource } from './value-sources.ts';

/** The column type each field kind converts to. */
const COLUMN_TYPE_OF_KIND: Record<Exclude<FieldKind, 'object'>, ColumnType> = {
  id: 'string',
  money: 'decimal(18,2)',
  currency: 'string',
  string: 'string',
  enum: 'string',
  date: 'date',
  timestamp: 'timestamp(ms,UTC)',
  bool: 'bool',
  uint32: 'uint32',
  country: 'string',
};
const DERIVATION_TYPES: Record<DerivationName, { input: ColumnType; output: ColumnType }> = {
  email_sha256: { input: 'string', output: 'string' },
  birth_year: { input: 'date', output: 'uint16' },
  date_key: { input: 'timestamp(ms,UTC)', output: 'uint32' },
  last4_digits: { input: 'string', output: 'string' },
};

function fieldAt(fields: readonly FieldSpec[], path: string): FieldSpec | undefined {
  const [head, ...rest] = path.split('.');
  const field = fields.find((f) => f.name === head);
  if (!field || rest.length === 0) return field;
  return field.type.kind === 'object' ? fieldAt(field.type.fields, rest.join('.')) : undefined;
}

/** The column type a source yields; throws when the source is inconsistent with the event's fields. */
function typeOf(source: ValueSource, fields: readonly FieldSpec[], allowPersonal: boolean): ColumnType {
  switch (source.from) {
    case 'payload': {
      const field = fieldAt(fields, source.path);
      if (!field) throw new Error(`undeclared payload field ${source.path}`);
      if (field.type.kind === 'object') throw new Error(`object field ${source.path} mapped to a column`);
      if (field.personal && !allowPersonal) throw new Error(`personal field ${source.path} mapped without derivation`);
      return COLUMN_TYPE_OF_KIND[field.type.kind];
    }
    case 'envelope':
      return source.field === 'event_id' ? 'string' : 'timestamp(ms,UTC)';
    case 'constant':
      return 'string';
    case 'derived': {
      const expected = DERIVATION_TYPES[source.fn];
      const input = typeOf(source.input, fields, true);
      if (input !== expected.input) throw new Error(`${source.fn} expects ${expected.input}, got ${input}`);
      return expected.output;
    }
    case 'first_of': {
      const types = new Set(source.sources.map((s) => typeOf(s, fields, allowPersonal)));
      if (types.size !== 1) throw new Error(`first_of mixes types ${[...types].join(', ')}`);
      return [...types][0] as ColumnType;
    }
  }
}

describe('catalog', () => {
  it('lists the events and families of §2', () => {
    expect(EVENT_NAMES.sort()).toEqual(
      [
        'attraction_created',
        'attraction_updated',
        'checkout_abandoned',
        'checkout_completed',
        'checkout_started',
        'customer_registered',
        'customer_updated',
        'payment_failed',
        'payment_succeeded',
        'ticket_refunded',
        'ticket_sale',
        'trigger_payment',
      ].sort(),
    );
    expect(FAMILIES).toEqual(['checkout', 'ticket', 'payment', 'customer', 'attraction']);
    for (const family of FAMILIES) expect(eventsOfFamily(family).length).toBeGreaterThan(0);
  });

  it('answers familyOf and isKnownEvent exactly', () => {
    expect(familyOf('ticket_refunded')).toBe('ticket');
    expect(familyOf('trigger_payment')).toBe('payment');
    expect(familyOf('customer_updated')).toBe('customer');
    expect(familyOf('Ticket_Sale')).toBeUndefined();
    expect(familyOf('toString')).toBeUndefined();
    expect(isKnownEvent('attraction_created')).toBe(true);
    expect(isKnownEvent('constructor')).toBe(false);
  });

  it.each(EVENT_NAMES)('%s maps only declared fields onto existing columns with matching types', (name) => {
    const spec = CATALOG[name];
    expect(spec.rows.length).toBeGreaterThan(0);
    for (const row of spec.rows) {
      const table = TABLES[row.table];
      const columns = new Map<string, ColumnType>(table.columns.map((c) => [c.name, c.type]));
      for (const [column, source] of Object.entries(row.columns)) {
        expect(columns.has(column), `${row.table}.${column} exists`).toBe(true);
        expect(typeOf(source, spec.fields, false), `${row.table}.${column}`).toBe(columns.get(column));
      }
      for (const column of table.columns) {
        if (!column.nullable) expect(row.columns[column.name], `${row.table}.${column.name} is mapped`).toBeDefined();
      }
    }
  });

  it('gives every required field a source (no required field is silently dropped)', () => {
    for (const name of EVENT_NAMES) {
      const mapped = JSON.stringify(CATALOG[name].rows);
      for (const field of CATALOG[name].fields) {
        if (field.required) expect(mapped, `${name}.${field.name}`).toContain(`"path":"${field.name}"`);
      }
    }
  });

  it('writes every extracted table from some event', () => {
    const written = new Set(EVENT_NAMES.flatMap((name) => CATALOG[name].rows.map((row) => row.table)));
    expect([...written].sort()).toEqual([...EXTRACTED_TABLES].sort());
  });
});

describe('tables', () => {
  it('marks exactly the extracted tables as extracted', () => {
    expect(TABLE_NAMES.filter((name) => TABLES[name].extracted)).toEqual([...EXTRACTED_TABLES]);
    expect(TABLE_NAMES).toContain('dim_date');
  });

  it.each(TABLE_NAMES)('%s has unique columns, a non-nullable grain and an event-time version', (name) => {
    const table = TABLES[name];
    const names = table.columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(table.grain.length).toBeGreaterThan(0);
    for (const key of table.grain) expect(table.columns.find((c) => c.name === key)?.nullable).toBe(false);
    if (table.extracted) {
      expect(table.columns.find((c) => c.name === 'event_id')).toMatchObject({ type: 'string', nullable: false });
      expect(table.columns.find((c) => c.name === table.version)).toMatchObject({ type: 'timestamp(ms,UTC)', nullable: false });
    } else {
      expect(table.version).toBeNull();
    }
  });

  it('has the column types §5 names', () => {
    const typeOfColumn = (table: keyof typeof TABLES, column: string) => TABLES[table].columns.find((c) => c.name === column)?.type;
    expect(typeOfColumn('fact_ticket_sale', 'sale_ts')).toBe('timestamp(ms,UTC)');
    expect(typeOfColumn('fact_ticket_sale', 'sale_date_key')).toBe('uint32');
    expect(typeOfColumn('fact_ticket_sale', 'visit_date')).toBe('date');
    expect(typeOfColumn('fact_ticket_sale', 'price')).toBe('decimal(18,2)');
    expect(typeOfColumn('fact_refund', 'refund_amount')).toBe('decimal(18,2)');
    expect(typeOfColumn('fact_payment', 'amount')).toBe('decimal(18,2)');
    expect(typeOfColumn('fact_checkout', 'total_amount')).toBe('decimal(18,2)');
    expect(typeOfColumn('dim_customer', 'valid_from')).toBe('timestamp(ms,UTC)');
    expect(typeOfColumn('dim_date', 'date_key')).toBe('uint32');
    expect(typeOfColumn('dim_date', 'is_weekend')).toBe('bool');
  });
});
