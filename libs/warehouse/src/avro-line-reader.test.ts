import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { EXTRACTED_TABLES, TABLES, type RowValues, type TableSpec } from '@ckt/domain';
import { rowTypeFor, TABLE_SCHEMAS, type AvroField, type AvroRecordSchema } from '@ckt/schemas';
import { createAvroLineReader } from './avro-line-reader.ts';
import { createRowSerializer, versionTimeMs } from './row-serializer.ts';

const STRINGS = ['t-1', '', 'He said "hi" \\ bye', 'line\nbreak\ttab\u0001', 'Zürich ✓', '🎟️ ticket', '\u007f', 'x'.repeat(5000)];
const DECIMALS = ['12.30', '0.00', '-0.05', '140737488355.32', '9999999999999999.99', '-9999999999999999.99'];
const TIMESTAMPS = ['2025-03-27T20:48:37.123Z', '1970-01-01T00:00:00.000Z', '2299-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'];

type FieldType = AvroField['type'];

/** A value for a field, varied by `n`; nullable fields are null every third row. */
function valueFor(type: FieldType, n: number): RowValues[string] {
  if (Array.isArray(type)) return n % 3 === 0 ? null : valueFor(type.find((branch) => branch !== 'null') as FieldType, n);
  const logical = typeof type === 'object' ? (type as { logicalType?: string }).logicalType : undefined;
  if (logical === 'decimal') return DECIMALS[n % DECIMALS.length] as string;
  if (logical === 'timestamp-millis') return TIMESTAMPS[n % TIMESTAMPS.length] as string;
  if (logical === 'date') return ['2025-04-01', '1970-01-01', '2149-06-06'][n % 3] as string;
  const name = typeof type === 'string' ? type : (type as { type: string }).type;
  if (name === 'string') return STRINGS[n % STRINGS.length] as string;
  if (name === 'boolean') return n % 2 === 0;
  if (name === 'int') return [0, 1990, -5, 2_147_483_647][n % 4] as number;
  if (name === 'long') return [0, 20_250_327, -1, 9_007_199_254_740_990][n % 4] as number;
  if (name === 'double') return [1.5, Number.NaN, -0, 1e21][n % 4] as number;
  throw new Error(`no sample for ${JSON.stringify(type)}`);
}

function rowsOf(schema: AvroRecordSchema, count: number): RowValues[] {
  return Array.from({ length: count }, (_, n) => Object.fromEntries(schema.fields.map((field, i) => [field.name, valueFor(field.type, n + i)])));
}

/** Reader output must equal avsc decoding followed by the row serializer, line and version alike. */
function expectSameAsDecoding(writer: avsc.Type, spec: TableSpec, rows: RowValues[]): void {
  const reader = createAvroLineReader(writer, spec);
  expect(reader).toBeDefined();
  const serialize = createRowSerializer(spec);
  for (const [n, row] of rows.entries()) {
    const body = writer.toBuffer(row);
    const decoded = { ...(writer.fromBuffer(body) as RowValues) };
    const offset = String(1000 + n);
    expect(reader?.read(body, n % 7, offset)).toBe(serialize(decoded, n % 7, offset));
    expect(reader?.versionMs).toBe(versionTimeMs(spec, decoded));
  }
}

describe('createAvroLineReader', () => {
  it.each(EXTRACTED_TABLES)('writes %s rows exactly as decoding and serializing would', (table) => {
    const schema = TABLE_SCHEMAS[table];
    expectSameAsDecoding(rowTypeFor(schema), TABLES[table], rowsOf(schema, 40));
  });

  it('skips writer fields the table lacks and writes null for columns the writer lacks', () => {
    const schema = TABLE_SCHEMAS.fact_ticket_sale;
    const fields = schema.fields.filter((field) => field.name !== 'ticket_type' && field.name !== 'customer_id');
    fields.splice(3, 0, { name: 'promo', type: ['null', 'string'], default: null } as unknown as AvroField);
    fields.push({ name: 'score', type: 'double' } as unknown as AvroField, { name: 'flag', type: ['boolean', 'null'] } as unknown as AvroField);
    const evolved = { ...schema, fields } as AvroRecordSchema;
    const rows = rowsOf(evolved, 20).map((row, n) => ({ ...row, flag: n % 2 === 0 ? null : true }));
    expectSameAsDecoding(rowTypeFor(evolved), TABLES.fact_ticket_sale, rows);
  });

  it('leaves schemas it cannot write in one pass to full decoding', () => {
    const schema = TABLE_SCHEMAS.fact_refund;
    const swapped = { ...schema, fields: [schema.fields[1], schema.fields[0], ...schema.fields.slice(2)] } as AvroRecordSchema;
    expect(createAvroLineReader(rowTypeFor(swapped), TABLES.fact_refund)).toBeUndefined();
    const withArray = { ...schema, fields: [...schema.fields, { name: 'tags', type: { type: 'array', items: 'string' }, default: [] }] } as AvroRecordSchema;
    expect(createAvroLineReader(rowTypeFor(withArray), TABLES.fact_refund)).toBeUndefined();
    const versionAsText = { ...schema, fields: schema.fields.map((field) => (field.name === 'refund_ts' ? { name: 'refund_ts', type: 'string' } : field)) } as AvroRecordSchema;
    expect(createAvroLineReader(rowTypeFor(versionAsText), TABLES.fact_refund)).toBeUndefined();
    expect(createAvroLineReader(avsc.Type.forSchema('string'), TABLES.fact_refund)).toBeUndefined();
  });

  it('fails like avsc on truncated or trailing bytes and bad union indexes', () => {
    const writer = rowTypeFor(TABLE_SCHEMAS.fact_payment);
    const reader = createAvroLineReader(writer, TABLES.fact_payment);
    const [row] = rowsOf(TABLE_SCHEMAS.fact_payment, 1) as [RowValues];
    const body = writer.toBuffer(row);
    for (const bad of [body.subarray(0, body.length - 3), Buffer.concat([body, Buffer.from([0])])]) {
      expect(() => writer.fromBuffer(bad)).toThrow(/truncated buffer|trailing data/);
      expect(() => reader?.read(bad, 0, '0')).toThrow(/truncated buffer|trailing data/);
    }
    const badUnion = Buffer.from(body);
    badUnion[body.indexOf(0x02, 1)] = 0x08; // first union index 1 -> 4
    expect(() => reader?.read(badUnion, 0, '0')).toThrow();
  });
});
