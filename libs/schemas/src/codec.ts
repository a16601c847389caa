import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avsc from 'avsc';
import { tableTopic, type ExtractedTableName, type RowValues, type TopicNames } from '@ckt/domain';
import { httpStatusOf, RowEncodingError, SchemaRegistryRefusedError } from './codec-errors.ts';
import { avroOptions, invalidFieldPaths, rowTypeFor, toPlainRow } from './row-type.ts';
import { TABLE_SCHEMAS } from './schema-files.ts';
import { encodeToWireFormat, WIRE_HEADER_LENGTH, wireSchemaId } from './wire-format.ts';

export interface RowCodecOptions {
  /** e.g. `http://localhost:8081` */
  registryUrl: string;
  auth?: { username: string; password: string } | undefined;
  clientId?: string;
  /** Compatibility level set on new subjects and expected on existing ones (default BACKWARD). */
  compatibility?: COMPATIBILITY;
}

/** The registry operations the codec uses (a SchemaRegistry of @kafkajs/confluent-schema-registry). */
export interface RegistryClient {
  register(schema: { type: SchemaType.AVRO; schema: string }, options: { subject: string; compatibility?: COMPATIBILITY }): Promise<{ id: number }>;
  decode(buffer: Buffer): Promise<unknown>;
  /** The parsed writer schema of an id (an avsc Type for Avro), cached by the client; enables decodeRow's fast path. */
  getSchema?(registryId: number): Promise<unknown>;
}

export interface RowCodec {
  /**
   * Registers each table's schema under `<topic>-value` and remembers its id for encode. Throws
   * SchemaRegistryRefusedError naming the subject when the registry refuses (409: incompatible change).
   */
  registerTableSchemas(tables: readonly ExtractedTableName[], names: TopicNames): Promise<Map<ExtractedTableName, number>>;
  /** Confluent wire format with the table's registered schema id. Synchronous; throws RowEncodingError for misfit rows. */
  encode(table: ExtractedTableName, values: RowValues): Buffer;
  /** Row values of a wire-format record, read with the writer schema fetched (and cached) by id. */
  decode(buffer: Buffer): Promise<RowValues>;
  /**
   * Same values as `decode`, synchronously once a record of the same schema id went through `decode` (no
   * promise per record on the hot path). The result may be avsc's record object: read its fields by name.
   */
  decodeRow(buffer: Buffer): RowValues | Promise<RowValues>;
  /** The writer schema of an id, once a record of that id went through `decode` (else undefined). */
  writerType(schemaId: number): avsc.Type | undefined;
}

/** A codec on a Confluent-compatible Schema Registry, with the domain's value representation (logical-types.ts). */
export function createRowCodec(options: RowCodecOptions): RowCodec {
  const registry = new SchemaRegistry(
    { host: options.registryUrl, ...(options.auth ? { auth: options.auth } : {}), ...(options.clientId ? { clientId: options.clientId } : {}) },
    // The client copies these options before each parse, so one object is safe here.
    { [SchemaType.AVRO]: avroOptions() },
  );
  return createRowCodecOn(registry, options.compatibility ?? COMPATIBILITY.BACKWARD);
}

/** The codec over any registry client (tests use a double). Methods need no `this`: pass them around freely. */
export function createRowCodecOn(registry: RegistryClient, compatibility: COMPATIBILITY = COMPATIBILITY.BACKWARD): RowCodec {
  const registered = new Map<ExtractedTableName, { id: number; type: avsc.Type }>();

  async function registerTableSchemas(tables: readonly ExtractedTableName[], names: TopicNames): Promise<Map<ExtractedTableName, number>> {
    const ids = new Map<ExtractedTableName, number>();
    for (const table of tables) {
      const schema = TABLE_SCHEMAS[table];
      const subject = `${tableTopic(names, table)}-value`;
      let id: number;
      try {
        ({ id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility }));
      } catch (error) {
        throw new SchemaRegistryRefusedError(subject, httpStatusOf(error), error);
      }
      registered.set(table, { id, type: rowTypeFor(schema) });
      ids.set(table, id);
    }
    return ids;
  }

  function encode(table: ExtractedTableName, values: RowValues): Buffer {
    const entry = registered.get(table);
    if (!entry) throw new Error(`no registered schema for table ${table}: call registerTableSchemas first`);
    try {
      return encodeToWireFormat(entry.type, entry.id, values);
    } catch {
      // avsc's own message quotes the value; report the field names only.
      throw new RowEncodingError(table, invalidFieldPaths(entry.type, values));
    }
  }

  async function decode(buffer: Buffer): Promise<RowValues> {
    return toPlainRow(await registry.decode(buffer));
  }

  /** Writer types by schema id, remembered after the registry client decoded a record of that id. */
  const writerTypes = new Map<number, avsc.Type>();

  function decodeRow(buffer: Buffer): RowValues | Promise<RowValues> {
    const schemaId = wireSchemaId(buffer);
    const type = schemaId === undefined ? undefined : writerTypes.get(schemaId);
    // The registry client decodes with exactly this: the writer type's fromBuffer on the body.
    if (type) return type.fromBuffer(buffer.subarray(WIRE_HEADER_LENGTH)) as RowValues;
    return decodeAndRemember(buffer, schemaId);
  }

  async function decodeAndRemember(buffer: Buffer, schemaId: number | undefined): Promise<RowValues> {
    const values = await decode(buffer);
    if (schemaId !== undefined && registry.getSchema) {
      const type = await registry.getSchema(schemaId);
      if (avsc.Type.isType(type)) writerTypes.set(schemaId, type as avsc.Type);
    }
    return values;
  }

  return { registerTableSchemas, encode, decode, decodeRow, writerType: (schemaId) => writerTypes.get(schemaId) };
}
