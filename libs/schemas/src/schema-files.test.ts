import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { EXTRACTED_TABLES, TABLES, type ColumnType } from '@ckt/domain';
import { avroOptions } from './row-type.ts';
import { loadTableSchema, TABLE_SCHEMAS, type AvroType } from './schema-files.ts';

/** The Avro type each warehouse column type must have (see libs/domain/src/tables.ts). */
const EXPECTED_AVRO: Record<ColumnType, AvroType> = {
  string: 'string',
  'decimal(18,2)': { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 },
  'timestamp(ms,UTC)': { type: 'long', logicalType: 'timestamp-millis' },
  date: { type: 'int', logicalType: 'date' },
  uint32: 'long',
  uint16: 'int',
  uint8: 'int',
  bool: 'boolean',
};

const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

describe.each(EXTRACTED_TABLES)('avro/dwh.%s.avsc', (table) => {
  const schema = loadTableSchema(table);
  const columns = TABLES[table].columns;

  it('is a record in com.checkout.dwh', () => {
    expect(schema).toMatchObject({ type: 'record', namespace: 'com.checkout.dwh', name: pascal(table) });
    expect(TABLE_SCHEMAS[table]).toEqual(schema);
  });

  it('has exactly the columns of tables.ts, in order', () => {
    expect(schema.fields.map((f) => f.name)).toEqual(columns.map((c) => c.name));
  });

  it('has each column\'s nullability and logical type', () => {
    for (const column of columns) {
      const field = schema.fields.find((f) => f.name === column.name);
      const expected = EXPECTED_AVRO[column.type];
      if (column.nullable) {
        expect(field, column.name).toEqual({ name: column.name, type: ['null', expected], default: null, doc: column.doc });
      } else {
        expect(field, column.name).toEqual({ name: column.name, type: expected, doc: column.doc });
      }
    }
  });

  it('parses with avsc and the logical types', () => {
    const type = avsc.Type.forSchema(schema as unknown as Parameters<typeof avsc.Type.forSchema>[0], { ...avroOptions(), assertLogicalTypes: true });
    expect(type.name).toBe(`com.checkout.dwh.${pascal(table)}`);
  });
});
