import type { KafkaMessage } from '@ckt/kafka';
import type { TopicNames } from '@ckt/domain';
import { BatchOutbox } from './outbox.ts';
import type { PartitionCounts } from './partitioning.ts';
import { routeRecord } from './route-record.ts';

export const ROUTER_STAGE = 'router';

export interface RouterBatchInput {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

/** Routes a whole fetched batch into one outbox: family topics, plus dead letters with their source. */
export function routeBatch(
  batch: RouterBatchInput,
  names: TopicNames,
  { service, partitions, failedAt }: { service: string; partitions?: PartitionCounts; failedAt?: Date },
): BatchOutbox {
  const outbox = new BatchOutbox({ dlqTopic: names.dlq, service, partitions, failedAt });
  for (const record of batch.messages) {
    const decision = routeRecord(record, names);
    if (decision.ok) {
      outbox.add(decision.topic, decision.message);
      continue;
    }
    outbox.addDeadLetter({
      value: record.value,
      key: record.key,
      headers: record.headers,
      stage: ROUTER_STAGE,
      reason: decision.reason,
      message: decision.message,
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
    });
  }
  return outbox;
}
