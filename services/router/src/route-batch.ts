import { BatchOutbox, deadLetterOf, type KafkaMessage } from '@ckt/kafka';
import type { TopicNames } from '@ckt/domain';
import { routeRecord } from './route-record.ts';

export const ROUTER_STAGE = 'router';

interface RouterBatchInput {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

/** Routes a whole fetched batch into one outbox: family topics, plus dead letters with their source. */
export function routeBatch(batch: RouterBatchInput, names: TopicNames, { service, failedAt }: { service: string; failedAt?: Date }): BatchOutbox {
  const outbox = new BatchOutbox({ dlqTopic: names.dlq, service, failedAt });
  for (const record of batch.messages) {
    const decision = routeRecord(record, names);
    if (decision.ok) outbox.add(decision.topic, decision.message);
    else outbox.addDeadLetter(deadLetterOf(record, batch, ROUTER_STAGE, decision));
  }
  return outbox;
}
