import avsc from 'avsc';
import type { RowValues } from '@ckt/domain';
import { LOGICAL_TYPES } from './logical-types.ts';
import type { AvroRecordSchema } from './schema-files.ts';

/**
 * avsc options under which row values are exactly the domain's (decimal/timestamp/date as strings).
 * A fresh object per call: avsc stores its registry of named types in the options it is given, so shared
 * options would make a second parse of the same record fail with "duplicate type name".
 */
export function avroOptions(): { logicalTypes: typeof LOGICAL_TYPES } {
  return { logicalTypes: LOGICAL_TYPES };
}

export function rowTypeFor(schema: AvroRecordSchema): avsc.Type {
  return avsc.Type.forSchema(schema as unknown as Parameters<typeof avsc.Type.forSchema>[0], avroOptions());
}

/** Field paths (e.g. `price`) whose values do not fit the schema; names only, never values. */
export function invalidFieldPaths(type: avsc.Type, values: RowValues): string[] {
  const paths: string[] = [];
  type.isValid(values, { errorHook: (path) => paths.push(path.join('.') || '(record)') });
  return paths;
}

/** avsc decodes records into class instances; rows are plain objects. */
export function toPlainRow(decoded: unknown): RowValues {
  return { ...(decoded as RowValues) };
}
