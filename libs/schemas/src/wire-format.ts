import type avsc from 'avsc';

/** Confluent wire format: magic byte 0, schema id as 4-byte big-endian int, then the Avro binary body. */

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;
export const WIRE_HEADER_LENGTH = HEADER_LENGTH;

export function toWireFormat(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** Grows to the largest record seen; rows are encoded here, then copied out once with their header. */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** `toWireFormat(schemaId, type.toBuffer(value))` in one allocation. Throws like toBuffer for invalid values. */
export function encodeToWireFormat(type: avsc.Type, schemaId: number, value: unknown): Buffer {
  for (;;) {
    const end = type.encode(value, scratch, HEADER_LENGTH);
    if (end >= 0) {
      const record = Buffer.allocUnsafe(end);
      record.writeUInt8(MAGIC_BYTE, 0);
      record.writeInt32BE(schemaId, 1);
      scratch.copy(record, HEADER_LENGTH, HEADER_LENGTH, end);
      return record;
    }
    // A negative result is the number of bytes missing.
    scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
  }
}

/** The schema id of a wire-format record, or undefined when the record is not in that format. */
export function wireSchemaId(buffer: Buffer): number | undefined {
  return buffer.length >= HEADER_LENGTH && buffer[0] === MAGIC_BYTE ? buffer.readInt32BE(1) : undefined;
}

/** Schema id and body of a wire-format record; throws when the record is not in that format. */
export function fromWireFormat(buffer: Buffer): { schemaId: number; body: Buffer } {
  if (buffer.length < HEADER_LENGTH || buffer.readUInt8(0) !== MAGIC_BYTE) {
    throw new Error('not a Confluent wire-format record (missing magic byte 0 and schema id)');
  }
  return { schemaId: buffer.readInt32BE(1), body: buffer.subarray(HEADER_LENGTH) };
}
