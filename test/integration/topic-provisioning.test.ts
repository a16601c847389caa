// Topic provisioning on the real broker, as each service does it at start: partitions, the catalog's configs
// (the bridge cursor topic compacted, one partition), TOPIC_RETENTION_MS; topics that exist are left alone, with
// one warning line where they differ from what the service expects.
import { Writable } from 'node:stream';
import { describe, expect, it, inject } from 'vitest';
import { pino } from 'pino';
import { Kafka, logLevel } from 'kafkajs';
import { ensureServiceTopics } from '@ckt/kafka';
import { testNames } from '../helpers/names.ts';

const NAMES = testNames('provisioning');
const kafka = new Kafka({ clientId: 'provisioning-test', brokers: inject('kafkaBrokers'), logLevel: logLevel.NOTHING });
const TOPIC_RESOURCE = 2;

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; topic?: string }> = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
  return { logger, lines };
}

async function describeTopics(topics: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['cleanup.policy', 'retention.ms'] })),
    });
    return Object.fromEntries(
      topics.map((name) => {
        const entries = resources.find((r) => r.resourceName === name)?.configEntries ?? [];
        const config = (key: string) => entries.find((e) => e.configName === key)?.configValue;
        const partitions = metadata.find((t) => t.name === name)?.partitions ?? [];
        return [name, { partitions: partitions.length, replicas: partitions[0]?.replicas.length, cleanup: config('cleanup.policy'), retention: config('retention.ms') }];
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

describe('topic provisioning', () => {
  it("creates a service's topics with the catalog's partitions and configs, and the retention setting", async () => {
    const { logger, lines } = capturingLogger();
    const settings = { TOPIC_PARTITIONS: 3, TOPIC_REPLICATION_FACTOR: -1, TOPIC_RETENTION_MS: 172_800_000 };
    await ensureServiceTopics(kafka, [NAMES.raw, NAMES.dlq, NAMES.bridgeCursor], settings, logger, NAMES);
    expect(await describeTopics([NAMES.raw, NAMES.dlq, NAMES.bridgeCursor])).toEqual({
      [NAMES.raw]: { partitions: 3, replicas: 1, cleanup: 'delete', retention: '172800000' },
      [NAMES.dlq]: { partitions: 3, replicas: 1, cleanup: 'delete', retention: '172800000' },
      // A compacted topic keeps the latest value per key for ever: no retention.
      [NAMES.bridgeCursor]: { partitions: 1, replicas: 1, cleanup: 'compact', retention: '604800000' },
    });
    expect(lines.filter((l) => l.msg === 'created topics')).toHaveLength(1);

    // A second service starting on the same topics changes nothing and says nothing about them.
    const again = capturingLogger();
    await ensureServiceTopics(kafka, [NAMES.raw, NAMES.bridgeCursor], settings, again.logger, NAMES);
    expect(again.lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('leaves an existing topic that differs as it is, with one warning line naming the difference', async () => {
    const names = testNames('provisioning-drift');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: names.bridgeCursor, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] });
    await admin.disconnect();

    const { logger, lines } = capturingLogger();
    await ensureServiceTopics(kafka, [names.bridgeCursor], { TOPIC_PARTITIONS: 1, TOPIC_REPLICATION_FACTOR: -1, TOPIC_RETENTION_MS: undefined }, logger, names);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([`topic ${names.bridgeCursor} differs from what this service expects: cleanup.policy=delete (expected compact)`]);
    expect((await describeTopics([names.bridgeCursor]))[names.bridgeCursor]).toMatchObject({ partitions: 2, cleanup: 'delete' });
  });
});
