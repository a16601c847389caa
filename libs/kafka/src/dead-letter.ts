import type { IHeaders, KafkaMessage } from 'kafkajs';
import { checkStageReason, DLQ_HEADERS, type DlqReason, type DlqStage, type StageReason } from '@ckt/domain';
import type { Publisher } from './producer.ts';

/** The catalog's §4 header names, re-exported for services that read dead letters. */
export const DLQ_HEADER = DLQ_HEADERS;

export interface DeadLetter {
  /** The failed record as received. */
  value: Buffer | string | null;
  key?: Buffer | string | null;
  /** Headers the record carried; kept beside the dlq.* headers. */
  headers?: IHeaders;
  stage: DlqStage;
  /** Machine-readable reason code. */
  reason: DlqReason;
  /** What was wrong, naming the field; never the payload's values. */
  message: string;
  source?: { topic: string; partition: number; offset: string };
}

/** What failed about a record: a reason code the stage may give, and a message that names fields, never values. */
interface RecordFailure<S extends DlqStage = DlqStage> {
  reason: StageReason<S>;
  message: string;
}

/** The dead letter of a consumed record: value, key and headers as received, and where it was read. */
export function deadLetterOf<S extends DlqStage>(
  record: Pick<KafkaMessage, 'value' | 'key' | 'headers' | 'offset'>,
  source: { topic: string; partition: number },
  stage: S,
  failure: RecordFailure<S>,
): DeadLetter {
  checkStageReason(stage, failure.reason);
  return {
    value: record.value,
    key: record.key,
    headers: record.headers,
    stage,
    reason: failure.reason,
    message: failure.message,
    source: { topic: source.topic, partition: source.partition, offset: record.offset },
  };
}

export interface DeadLetterPublisher {
  publish(letters: DeadLetter[]): Promise<void>;
}

/** The dlq.* headers of a dead letter; every dead letter, the bridge's included, is written with these. */
export function deadLetterHeaders(letter: DeadLetter, service: string, failedAt: Date): IHeaders {
  checkStageReason(letter.stage, letter.reason);
  const headers: IHeaders = {
    ...letter.headers,
    [DLQ_HEADER.stage]: letter.stage,
    [DLQ_HEADER.reason]: letter.reason,
    [DLQ_HEADER.message]: letter.message,
    [DLQ_HEADER.service]: service,
    [DLQ_HEADER.failedAt]: failedAt.toISOString(),
  };
  if (letter.source) {
    headers[DLQ_HEADER.sourceTopic] = letter.source.topic;
    headers[DLQ_HEADER.sourcePartition] = String(letter.source.partition);
    headers[DLQ_HEADER.sourceOffset] = letter.source.offset;
  }
  return headers;
}

/** Writes failed records to the dead-letter topic with acks=-1; callers commit their source offsets after. */
export function createDeadLetterPublisher(publisher: Publisher, { topic, service }: { topic: string; service: string }): DeadLetterPublisher {
  return {
    async publish(letters) {
      if (letters.length === 0) return;
      const failedAt = new Date();
      await publisher.send(
        topic,
        letters.map((letter) => ({ key: letter.key ?? null, value: letter.value, headers: deadLetterHeaders(letter, service, failedAt) })),
      );
    },
  };
}
