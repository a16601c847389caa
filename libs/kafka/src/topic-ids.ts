import type { Kafka } from 'kafkajs';

/**
 * Kafka's id of each topic's current incarnation ('' where the broker gives none): a topic deleted and created
 * again gets a new id, and its offsets start over. From the admin call our kafkajs patch adds (Metadata v12).
 */
export async function topicIdsOf(kafka: Kafka, topics: string[]): Promise<Map<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ids = await admin.fetchTopicIds(topics);
    return new Map(topics.map((topic) => [topic, ids[topic] ?? '']));
  } finally {
    await admin.disconnect();
  }
}
