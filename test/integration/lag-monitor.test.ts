// The lag monitor against the real broker: committed offsets against end offsets per partition, and the
// group's live members from its coordinator.
import { describe, expect, it, inject } from 'vitest';
import { Registry } from 'prom-client';
import { loadConfig } from '@ckt/config';
import { createConsumerRunner, createKafka, createPublisher, ensureTopics, kafkaSchema, startLagMonitor } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { until } from '../helpers/wait.ts';

const TOPIC = 'lag.t';
const GROUP = 'lag.g';
const logger = createLogger('lag-test', { LOG_LEVEL: 'silent' });

async function sample(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Object.fromEntries((metric?.values ?? []).map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('lag monitor', () => {
  it('reports records behind per partition and the live members, from the broker', async () => {
    const kafka = createKafka(loadConfig(kafkaSchema, { KAFKA_BROKERS: inject('kafkaBrokers').join(',') }), logger);
    await ensureTopics(kafka, [{ name: TOPIC, partitions: 2 }], logger);
    const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await publisher.connect();
    await publisher.send(TOPIC, Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })));
    await publisher.disconnect();

    const registry = new Registry();
    const lag = startLagMonitor(kafka, { groupId: GROUP, topics: [TOPIC], registry, logger, intervalMs: 0 });
    try {
      await lag.poll();
      expect(await sample(registry, 'kafka_consumergroup_lag')).toEqual({ [`${GROUP}/${TOPIC}/0`]: 5, [`${GROUP}/${TOPIC}/1`]: 5 });
      expect(await sample(registry, 'kafka_consumergroup_members')).toEqual({ [GROUP]: 0 });

      let seen = 0;
      const runner = createConsumerRunner({ kafka, groupId: GROUP, topics: [TOPIC], logger, sessionTimeoutMs: 6000, handle: async (b) => void (seen += b.messages.length) });
      await runner.start();
      try {
        await until(() => seen === 10, 'the group to read everything');
        await until(async () => (await lag.poll(), (await sample(registry, 'kafka_consumergroup_lag'))[`${GROUP}/${TOPIC}/0`] === 0), 'the commits to show');
        expect(await sample(registry, 'kafka_consumergroup_lag')).toEqual({ [`${GROUP}/${TOPIC}/0`]: 0, [`${GROUP}/${TOPIC}/1`]: 0 });
        expect(await sample(registry, 'kafka_consumergroup_members')).toEqual({ [GROUP]: 1 });
      } finally {
        await runner.stop();
      }
    } finally {
      await lag.stop();
    }
  });
});
