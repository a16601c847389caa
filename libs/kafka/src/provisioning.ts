import type { Kafka } from 'kafkajs';
import type { Logger } from '@ckt/logging';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** e.g. { 'cleanup.policy': 'compact' } */
  config?: Record<string, string>;
}

/**
 * Creates the missing topics with their partition counts. Brokers that refuse CreateTopics (ACLs, managed
 * clusters, librdkafka's mock) are tolerated when every topic already exists: one log line says so.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], logger: Logger, replicationFactor = -1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      logger.info({ topics: missing.map((s) => s.name) }, 'created topics');
    } catch (error) {
      const nowExisting = new Set(await admin.listTopics());
      const stillMissing = missing.filter((s) => !nowExisting.has(s.name)).map((s) => s.name);
      if (stillMissing.length > 0) {
        throw new Error(`broker refused to create topics (${(error as Error).message}) and these do not exist: ${stillMissing.join(', ')}; create them or grant CreateTopics`);
      }
      logger.warn({ reason: (error as Error).message }, 'broker refused CreateTopics; continuing because every topic exists');
    }
  } finally {
    await admin.disconnect();
  }
}
