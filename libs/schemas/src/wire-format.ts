/** Confluent wire format: magic byte 0, schema id as 4-byte big-endian int, then the Avro binary body. */

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export function toWireFormat(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** Schema id and body of a wire-format record; throws when the record is not in that format. */
export function fromWireFormat(buffer: Buffer): { schemaId: number; body: Buffer } {
  if (buffer.length < HEADER_LENGTH || buffer.readUInt8(0) !== MAGIC_BYTE) {
    throw new Error('not a Confluent wire-format record (missing magic byte 0 and schema id)');
  }
  return { schemaId: buffer.readInt32BE(1), body: buffer.subarray(HEADER_LENGTH) };
}
