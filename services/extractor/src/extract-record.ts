import type { KafkaMessage, OutboundMessage } from '@ckt/kafka';
import { extractRows, parseEnvelopeValue, tableTopic, type ExtractedTableName, type RowValues, type StageReason, type TopicNames } from '@ckt/domain';
import { RowEncodingError } from '@ckt/schemas';

/** Encodes one row of a table in Confluent wire format with the table's registered schema id. */
export type RowEncoder = (table: ExtractedTableName, values: RowValues) => Buffer;

type ExtractorFailureReason = StageReason<'extractor'>;

interface OutputRow {
  topic: string;
  message: OutboundMessage;
}

type ExtractDecision = { ok: true; rows: OutputRow[] } | { ok: false; reason: ExtractorFailureReason; message: string };

export type SourceRecord = Pick<KafkaMessage, 'value' | 'timestamp'>;

export interface ExtractContext {
  names: TopicNames;
  emailPepper: string;
  encode: RowEncoder;
}

/**
 * One family-topic record -> its Avro rows on `dwh.<table>` keyed by grain, or a dead-letter decision.
 * The router already filters bad JSON, envelopes and names; they are checked again because a family topic can
 * be written by anyone (replays, tools). Failure messages name the field, never a value.
 */
export function extractRecord(record: SourceRecord, context: ExtractContext): ExtractDecision {
  const parsed = parseEnvelopeValue(record.value);
  if (!parsed.ok) return fail(parsed.reason, parsed.message);
  const { event } = parsed;
  const extracted = extractRows(event, { emailPepper: context.emailPepper });
  if (!extracted.ok) return fail(extracted.reason, extracted.message);

  const rows: OutputRow[] = [];
  for (const row of extracted.rows) {
    let value: Buffer;
    try {
      value = context.encode(row.table, row.values);
    } catch (error) {
      // RowEncodingError names the fields only; any other message (e.g. avsc's) may quote a value.
      return fail('schema_error', error instanceof RowEncodingError ? error.message : `row of ${row.table} does not fit its Avro schema`);
    }
    // No headers: the row carries event_id itself, and each header costs kafkajs about as much as the row encode.
    rows.push({ topic: tableTopic(context.names, row.table), message: { key: row.key, value, timestamp: record.timestamp } });
  }
  return { ok: true, rows };
}

function fail(reason: ExtractorFailureReason, message: string): ExtractDecision {
  return { ok: false, reason, message };
}
