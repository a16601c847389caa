import { BatchOutbox, deadLetterOf, type KafkaMessage } from '@ckt/kafka';
import { extractRecord, type ExtractContext } from './extract-record.ts';

export const EXTRACTOR_STAGE = 'extractor';

interface ExtractorBatchInput {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

/** Extracts a whole fetched batch into one outbox: rows per dwh topic in source order, plus dead letters. */
export function extractBatch(batch: ExtractorBatchInput, context: ExtractContext, { service, failedAt }: { service: string; failedAt?: Date }): BatchOutbox {
  const outbox = new BatchOutbox({ dlqTopic: context.names.dlq, service, failedAt });
  for (const record of batch.messages) {
    const decision = extractRecord(record, context);
    if (decision.ok) for (const row of decision.rows) outbox.add(row.topic, row.message);
    else outbox.addDeadLetter(deadLetterOf(record, batch, EXTRACTOR_STAGE, decision));
  }
  return outbox;
}
