import type { Kafka } from '@ckt/kafka';
import { planReplay, type PartitionMove, type PartitionState, type ReplayArgs } from './plan.ts';

export class BrokerRefusedError extends Error {}

/** Reads the group's committed offsets and the topic's watermarks, and the offsets at the target time. */
async function readStates(kafka: Kafka, args: ReplayArgs): Promise<PartitionState[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: args.group, topics: [args.topic] });
    const watermarks = await admin.fetchTopicOffsets(args.topic);
    const atTime =
      args.target.kind === 'datetime' ? await admin.fetchTopicOffsetsByTimestamp(args.topic, args.target.at.getTime()) : [];
    return watermarks.map((w) => ({
      partition: w.partition,
      low: w.low,
      high: w.high,
      committed: committed?.partitions.find((p) => p.partition === w.partition)?.offset ?? '-1',
      atTime: atTime.find((t) => t.partition === w.partition)?.offset,
    }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Plans the rewind and, unless dry-running, commits the new offsets for the (stopped) group. Brokers refuse
 * this for groups with live members, and librdkafka's mock cluster does not implement it: both end in a
 * BrokerRefusedError that says what to do.
 */
export async function replay(kafka: Kafka, args: ReplayArgs): Promise<PartitionMove[]> {
  const moves = planReplay(await readStates(kafka, args), args.target);
  if (args.dryRun) return moves;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: args.group, topic: args.topic, partitions: moves.map((m) => ({ partition: m.partition, offset: m.to })) });
  } catch (error) {
    throw new BrokerRefusedError(
      `the broker refused to move the offsets of group ${args.group} (${(error as Error).message}); stop every consumer of the group and retry — ` +
        `librdkafka's local mock cluster does not support this at all, only a real Kafka does`,
    );
  } finally {
    await admin.disconnect();
  }
  return moves;
}
