import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import { decodeCursor, type CursorRecord } from './cursor-codec.ts';

interface CursorReaderOptions {
  topic: string;
  sourceId: string;
  sessionTimeoutMs: number;
  /** Give up (and let the caller retry) after this long. */
  timeoutMs?: number;
}

/**
 * Reads the cursor topic from the beginning to its current end and returns the last cursor stored under
 * `sourceId` (undefined: start from the beginning). kafkajs cannot read without a consumer group, so a fresh
 * throw-away group is used that never commits (on a real broker it expires as an empty group).
 */
export async function readLatestCursor(kafka: Kafka, logger: Logger, options: CursorReaderOptions): Promise<CursorRecord | undefined> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(options.topic);
    ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return undefined;

  const consumer = kafka.consumer({
    groupId: `producer-bridge-cursor-reader-${randomUUID()}`,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
    allowAutoTopicCreation: false,
  });
  let latest: CursorRecord | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cursor topic ${options.topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
      const pending = new Set(ends.keys());
      const reached = (partition: number, nextOffset: bigint): void => {
        if (nextOffset >= (ends.get(partition) ?? 0n)) pending.delete(partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (message.key?.toString() === options.sourceId) {
                try {
                  latest = decodeCursor(message.value);
                } catch (error) {
                  clearTimeout(timer);
                  reject(error instanceof Error ? error : new Error(String(error)));
                  return;
                }
              }
            }
            // lastOffset() also covers records the batch filtered out (control records, compacted away).
            reached(batch.partition, BigInt(batch.lastOffset()) + 1n);
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  logger.info({ topic: options.topic, found: latest !== undefined, updatedAt: latest?.updated_at }, 'read pull cursor');
  return latest;
}
