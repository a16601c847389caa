import type { Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '@ckt/logging';

export interface LagMonitor {
  /** Reads committed and end offsets once and updates the gauge. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Consumer-group lag from the broker's committed offsets (what a replay or a crash would resume from), as
 * `kafka_consumergroup_lag{group,topic,partition}`: end offset minus committed offset; and the group's live
 * members as the broker's group coordinator sees them, `kafka_consumergroup_members{group}`.
 */
export function startLagMonitor(
  kafka: Kafka,
  { groupId, topics, registry, logger, intervalMs }: { groupId: string; topics: string[]; registry: Registry; logger: Logger; intervalMs: number },
): LagMonitor {
  const gauge = new Gauge({
    name: 'kafka_consumergroup_lag',
    help: 'Records between the committed offset and the end of the partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  });
  const members = new Gauge({
    name: 'kafka_consumergroup_members',
    help: 'Live members of the consumer group, as its coordinator reports them (DescribeGroups)',
    labelNames: ['group'],
    registers: [registry],
  });
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function poll(): Promise<void> {
    connected ??= admin.connect();
    await connected;
    const { groups } = await admin.describeGroups([groupId]);
    members.set({ group: groupId }, groups[0]?.members.length ?? 0);
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const done = partitions.find((p) => p.partition === end.partition);
        const start = done && done.offset !== '-1' ? BigInt(done.offset) : BigInt(end.low);
        const lag = BigInt(end.high) - start;
        gauge.set({ group: groupId, topic, partition: String(end.partition) }, Number(lag > 0n ? lag : 0n));
      }
    }
  }

  if (intervalMs > 0) {
    const tick = () =>
      poll()
        .catch((error: unknown) => logger.warn({ err: error }, 'lag poll failed'))
        .finally(() => {
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        });
    void tick();
  }
  return {
    poll,
    async stop() {
      clearTimeout(timer);
      if (connected) await admin.disconnect();
    },
  };
}
