export { DateType, DecimalType, LOGICAL_TYPES, TimestampMillisType, decimalText } from './logical-types.ts';
export { AVRO_DIR, TABLE_SCHEMAS, loadTableSchema, type AvroField, type AvroRecordSchema, type AvroType } from './schema-files.ts';
export { avroOptions, invalidFieldPaths, rowTypeFor } from './row-type.ts';
export { encodeToWireFormat, fromWireFormat, toWireFormat, wireSchemaId, WIRE_HEADER_LENGTH } from './wire-format.ts';
export { RowEncodingError, SchemaRegistryRefusedError, httpStatusOf } from './codec-errors.ts';
export { createRowCodec, createRowCodecOn, type RegistryClient, type RowCodec, type RowCodecOptions } from './codec.ts';
export { schemaRegistryEnv, schemaRegistrySchema, rowCodecOptions, type SchemaRegistrySettings } from './settings.ts';
