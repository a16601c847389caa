import { readFileSync } from 'node:fs';
import { EXTRACTED_TABLES, type ExtractedTableName } from '@ckt/domain';

/** An Avro type as written in the .avsc files of this package. */
export type AvroType =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'string'
  | 'bytes'
  | { type: 'bytes'; logicalType: 'decimal'; precision: number; scale: number }
  | { type: 'long'; logicalType: 'timestamp-millis' }
  | { type: 'int'; logicalType: 'date' }
  | AvroType[];

export interface AvroField {
  name: string;
  type: AvroType;
  default?: null;
  doc?: string;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: AvroField[];
}

/** Folder of the .avsc files, resolved from this module so it works from any working directory. */
const AVRO_DIR = new URL('../avro/', import.meta.url);

/** The row schema of a table, read from `avro/dwh.<table>.avsc`. */
export function loadTableSchema(table: ExtractedTableName): AvroRecordSchema {
  const file = new URL(`dwh.${table}.avsc`, AVRO_DIR);
  return JSON.parse(readFileSync(file, 'utf8')) as AvroRecordSchema;
}

export const TABLE_SCHEMAS: Readonly<Record<ExtractedTableName, AvroRecordSchema>> = Object.freeze(
  Object.fromEntries(EXTRACTED_TABLES.map((table) => [table, loadTableSchema(table)])) as Record<ExtractedTableName, AvroRecordSchema>,
);
