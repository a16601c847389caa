import type { Consumer, EachMessagePayload, IHeaders, Kafka } from 'kafkajs';

/** Header values as text, for assertions. */
export const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));

/** Reads `topics` from the beginning with a throwaway group, mapping each record into `received`, until stopped. */
export async function collectRecords<T>(
  kafka: Kafka,
  topics: string[],
  groupId: string,
  toRecord: (payload: EachMessagePayload) => T | Promise<T>,
): Promise<{ received: T[]; consumer: Consumer }> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
  const received: T[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async (payload) => void received.push(await toRecord(payload)) });
  return { received, consumer };
}
