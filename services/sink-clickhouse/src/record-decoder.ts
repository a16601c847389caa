import type { RowValues } from '@ckt/domain';
import type { DeadLetter, KafkaMessage } from '@ckt/kafka';

export const SINK_STAGE = 'sink';

export interface DecodedRecord {
  message: KafkaMessage;
  values: RowValues;
}

export interface DecodedBatch {
  records: DecodedRecord[];
  deadLetters: DeadLetter[];
}

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

/**
 * Decodes a fetched batch in order. A record that cannot be decoded becomes a `schema_error` dead letter; a
 * registry outage throws, so the consumer runner retries the whole batch (nothing was handed on yet).
 */
export async function decodeRecords(
  messages: readonly KafkaMessage[],
  source: { topic: string; partition: number },
  decode: (value: Buffer) => Promise<RowValues>,
): Promise<DecodedBatch> {
  const records: DecodedRecord[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of messages) {
    if (message.value === null || message.value.length === 0) {
      deadLetters.push(schemaErrorLetter(message, source, 'the record has no value'));
      continue;
    }
    try {
      records.push({ message, values: await decode(message.value) });
    } catch (error) {
      if (isRegistryUnavailable(error)) throw error;
      deadLetters.push(schemaErrorLetter(message, source, schemaErrorMessage(error)));
    }
  }
  return { records, deadLetters };
}

export function schemaErrorLetter(message: KafkaMessage, source: { topic: string; partition: number }, text: string): DeadLetter {
  return {
    value: message.value,
    key: message.key,
    headers: message.headers,
    stage: SINK_STAGE,
    reason: 'schema_error',
    message: text,
    source: { topic: source.topic, partition: source.partition, offset: message.offset },
  };
}
