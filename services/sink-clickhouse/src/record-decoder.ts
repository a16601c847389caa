import type { RowValues } from '@ckt/domain';
import { deadLetterOf, type DeadLetter, type KafkaMessage } from '@ckt/kafka';
import { WIRE_HEADER_LENGTH, wireSchemaId } from '@ckt/schemas';
import type { AvroLineReader } from '@ckt/warehouse';

export const SINK_STAGE = 'sink';

/** Avro (Confluent wire format) -> row values; throws (or rejects) on bad records or registry failures. */
export type RecordDecode = (value: Buffer) => RowValues | Promise<RowValues>;


/**
 * True when a decode failure is the registry being unreachable or failing (retry the batch), false when the
 * record itself is bad (dead-letter it). @kafkajs/confluent-schema-registry reports HTTP failures as a
 * ResponseError with `status` (network errors arrive as status 400 from its HTTP layer); 404 means the schema
 * id in the record does not exist. Errors without a status come from the wire format or Avro decoding.
 */
export function isRegistryUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status !== 404;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|UND_ERR_\w+)$/.test(code);
}

/** What to tell whoever reads the dead letter, without quoting the record (it holds payload values). */
function schemaErrorMessage(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 404) return 'the schema id in the record is not in the Schema Registry';
  const name = error instanceof Error ? error.name : 'Error';
  if (name === 'ConfluentSchemaRegistryArgumentError') return 'not a Confluent wire-format record (magic byte / schema id)';
  return `the record does not decode with its writer schema (${name})`;
}

/** How the records of one table become insert lines. */
export interface LineDecoder {
  /** A reader straight from the record's Avro body to its line, when its writer schema allows one. */
  readerFor(schemaId: number): AvroLineReader | undefined;
  /** Otherwise: decode into values... */
  decode: RecordDecode;
  /** ...and serialize them (the insert line) and read their event time. */
  serialize(values: RowValues, offset: string): string;
  versionMs(values: RowValues): number | undefined;
}

interface DecodedLine {
  message: KafkaMessage;
  line: string;
  versionMs: number | undefined;
}

interface DecodedLines {
  lines: DecodedLine[];
  deadLetters: DeadLetter[];
}

/**
 * Decodes a fetched batch in order into insert lines. A record that cannot be decoded becomes a `schema_error`
 * dead letter; a registry outage throws, so the consumer runner retries the whole batch (nothing was handed on
 * yet).
 */
export async function decodeLines(messages: readonly KafkaMessage[], source: { topic: string; partition: number }, decoder: LineDecoder): Promise<DecodedLines> {
  const lines: DecodedLine[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of messages) {
    const { value, offset } = message;
    if (value === null || value.length === 0) {
      deadLetters.push(schemaErrorLetter(message, source, 'the record has no value'));
      continue;
    }
    const schemaId = wireSchemaId(value);
    const reader = schemaId === undefined ? undefined : decoder.readerFor(schemaId);
    if (reader) {
      try {
        const line = reader.read(value.subarray(WIRE_HEADER_LENGTH), source.partition, offset);
        lines.push({ message, line, versionMs: reader.versionMs });
      } catch (error) {
        deadLetters.push(schemaErrorLetter(message, source, schemaErrorMessage(error)));
      }
      continue;
    }
    let values: RowValues;
    try {
      // A decoder that knows the schema answers synchronously: no promise (and microtask) per record then.
      const decoded = decoder.decode(value);
      values = decoded instanceof Promise ? await decoded : decoded;
    } catch (error) {
      if (isRegistryUnavailable(error)) throw error;
      deadLetters.push(schemaErrorLetter(message, source, schemaErrorMessage(error)));
      continue;
    }
    try {
      lines.push({ message, line: decoder.serialize(values, offset), versionMs: decoder.versionMs(values) });
    } catch {
      // A decoded value JSON cannot carry (e.g. a BigInt): the record is unusable as it is, not retryable.
      deadLetters.push(schemaErrorLetter(message, source, 'a decoded value cannot be serialized for the warehouse'));
    }
  }
  return { lines, deadLetters };
}

function schemaErrorLetter(message: KafkaMessage, source: { topic: string; partition: number }, text: string): DeadLetter {
  return deadLetterOf(message, source, SINK_STAGE, { reason: 'schema_error', message: text });
}
