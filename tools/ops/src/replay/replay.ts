import type { Admin } from 'kafkajs';
import type { Kafka } from '@ckt/kafka';
import { planReplay, type PartitionMove, type ReplayTarget } from './plan.ts';

/** Something the operator must change before the replay can run (a live member, an unknown name). */
export class ReplayRefusedError extends Error {}

interface TopicMoves {
  topic: string;
  moves: PartitionMove[];
}

interface ReplayResult {
  plan: TopicMoves[];
  /** Set when the group has live members (a dry run reports it; a real run refuses). */
  liveMembers?: string;
}

interface ReplayRequest {
  group: string;
  /** Empty: every topic the group has committed offsets for. */
  topics: string[];
  target: ReplayTarget;
  dryRun: boolean;
  /** Said when the group has live members, e.g. "npm start is running (pid 42): stop it first". */
  liveMembersHint?: string;
}

/** The group's live members as `client@host`, or undefined when it has none. */
async function liveMembers(admin: Admin, group: string): Promise<string | undefined> {
  const { groups } = await admin.describeGroups([group]);
  const members = groups[0]?.members ?? [];
  if (members.length === 0) return undefined;
  return `${members.length} live member(s) (${groups[0]?.state}): ${members.map((m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')}`).join(', ')}`;
}

/** The topics the group committed offsets for (an unknown group has none). */
async function committedTopics(admin: Admin, group: string): Promise<string[]> {
  const offsets = await admin.fetchOffsets({ groupId: group });
  return offsets.filter((t) => t.partitions.some((p) => p.offset !== '-1')).map((t) => t.topic);
}

async function topicMoves(admin: Admin, group: string, topic: string, target: ReplayTarget): Promise<TopicMoves> {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const watermarks = await admin.fetchTopicOffsets(topic);
  const atTime = target.kind === 'datetime' ? await admin.fetchTopicOffsetsByTimestamp(topic, target.at.getTime()) : [];
  const states = watermarks
    .map((w) => ({
      partition: w.partition,
      low: w.low,
      high: w.high,
      committed: committed?.partitions.find((p) => p.partition === w.partition)?.offset ?? '-1',
      atTime: atTime.find((t) => t.partition === w.partition)?.offset,
    }))
    .sort((a, b) => a.partition - b.partition);
  return { topic, moves: planReplay(states, target) };
}

/**
 * Plans the move of the group's offsets on each topic and, unless dry-running, commits it. Refuses (saying what
 * to do) when the group has live members, when a topic does not exist, and when no topic is named and the group
 * has no offsets at all (a misspelt group).
 */
export async function replay(kafka: Kafka, request: ReplayRequest): Promise<ReplayResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = request.topics.length > 0 ? request.topics : await committedTopics(admin, request.group);
    if (topics.length === 0) {
      const known = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
      throw new ReplayRefusedError(`group ${request.group} has no committed offsets on this cluster; known groups: ${known.join(', ') || 'none'}`);
    }
    const unknown = topics.filter((t) => !existing.has(t));
    if (unknown.length > 0) throw new ReplayRefusedError(`no topic ${unknown.join(', ')} on this cluster`);
    const plan = await Promise.all(topics.map((topic) => topicMoves(admin, request.group, topic, request.target)));
    // Kafka refuses to move the offsets of a group with members anyway, less clearly.
    const members = await liveMembers(admin, request.group);
    if (request.dryRun) return { plan, liveMembers: members };
    if (members) throw new ReplayRefusedError(`group ${request.group} has ${members}; ${request.liveMembersHint ?? 'stop its consumers first'}`);
    for (const { topic, moves } of plan) {
      await admin.setOffsets({ groupId: request.group, topic, partitions: moves.map((m) => ({ partition: m.partition, offset: m.to })) });
    }
    return { plan };
  } finally {
    await admin.disconnect();
  }
}
