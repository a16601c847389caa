// kafkajs 2.2.4 against Apache Kafka 4 (KRaft): what patches/kafkajs+2.2.4.patch fixes, each shown on the real
// broker. Without the patch these fail; see patches/README.md.
import { describe, expect, it, inject } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';

const kafka = () => new Kafka({ clientId: 'kafkajs-kafka4-test', brokers: inject('kafkaBrokers'), logLevel: logLevel.NOTHING });

describe('kafkajs on Kafka 4', () => {
  it('createTopics with waitForLeaders resolves although a KRaft broker learns of new topics a moment later', async () => {
    // Concurrent creations keep the broker's metadata a step behind the controller: unpatched, kafkajs gave up on
    // the first UNKNOWN_TOPIC_OR_PARTITION (seen for 40 % of these on one node, 93 % on three).
    const names = Array.from({ length: 20 }, (_, i) => `kafkajs4.create-${i}`);
    const client = kafka();
    const outcomes = await Promise.allSettled(
      names.map(async (topic) => {
        const admin = client.admin();
        await admin.connect();
        try {
          return await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
        } finally {
          await admin.disconnect();
        }
      }),
    );
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const admin = client.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      expect(topics.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader >= 0)]).sort()).toEqual(names.map((n) => [n, 6, true]).sort());
    } finally {
      await admin.disconnect();
    }
  });
});
