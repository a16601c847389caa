import type { KafkaMessage } from '@ckt/kafka';
import { BatchOutbox } from './outbox.ts';
import type { PartitionCounts } from './partitioning.ts';
import { extractRecord, type ExtractContext } from './extract-record.ts';

export const EXTRACTOR_STAGE = 'extractor';

export interface ExtractorBatchInput {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

/** Extracts a whole fetched batch into one outbox: rows per dwh topic in source order, plus dead letters. */
export function extractBatch(
  batch: ExtractorBatchInput,
  context: ExtractContext,
  { service, partitions, failedAt }: { service: string; partitions?: PartitionCounts; failedAt?: Date },
): BatchOutbox {
  const outbox = new BatchOutbox({ dlqTopic: context.names.dlq, service, partitions, failedAt });
  for (const record of batch.messages) {
    const decision = extractRecord(record, context);
    if (decision.ok) {
      for (const row of decision.rows) outbox.add(row.topic, row.message);
      continue;
    }
    outbox.addDeadLetter({
      value: record.value,
      key: record.key,
      headers: record.headers,
      stage: EXTRACTOR_STAGE,
      reason: decision.reason,
      message: decision.message,
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
    });
  }
  return outbox;
}
