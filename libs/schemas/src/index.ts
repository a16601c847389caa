export { DateType, DecimalType, TimestampMillisType, decimalText } from './logical-types.ts';
export { TABLE_SCHEMAS, loadTableSchema, type AvroField, type AvroRecordSchema } from './schema-files.ts';
export { avroOptions, rowTypeFor } from './row-type.ts';
export { fromWireFormat, toWireFormat, wireSchemaId, WIRE_HEADER_LENGTH } from './wire-format.ts';
export { RowEncodingError } from './codec-errors.ts';
export { createRowCodec, type RowCodec } from './codec.ts';
export { schemaRegistryEnv, rowCodecOptions } from './settings.ts';
