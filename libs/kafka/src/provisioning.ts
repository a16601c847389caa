import type { Admin, Kafka } from 'kafkajs';
import { catalogTopics, DEFAULT_TOPIC_NAMES, type TopicNames } from '@ckt/domain';
import type { Logger } from '@ckt/logging';
import type { KafkaSettings } from './settings.ts';

interface TopicSpec {
  name: string;
  partitions: number;
  /** e.g. { 'cleanup.policy': 'compact' } */
  config?: Record<string, string>;
}

/** How long ensureTopics waits for created topics to have a leader for every partition. */
const LEADERS_TIMEOUT_MS = 30_000;
/** kafkajs' ConfigResourceTypes.TOPIC (its CommonJS enum is not a named ESM export). */
const TOPIC_RESOURCE = 2;

/** Topics among `names` whose every partition has a leader, from the broker's metadata. */
async function topicsWithLeaders(admin: Admin, names: string[]): Promise<Set<string>> {
  const ready = new Set<string>();
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  if (present.length === 0) return ready;
  const { topics } = await admin.fetchTopicMetadata({ topics: present });
  for (const topic of topics) {
    if (topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0)) ready.add(topic.name);
  }
  return ready;
}

async function waitForLeaders(admin: Admin, names: string[]): Promise<string[]> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    const ready = await topicsWithLeaders(admin, names).catch(() => new Set<string>());
    const waiting = names.filter((n) => !ready.has(n));
    if (waiting.length === 0 || Date.now() > deadline) return waiting;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One warning line per existing topic whose partition count or configs differ from what this service would
 * create it with: provisioning never changes an existing topic, but an operator should know.
 */
async function warnAboutDrift(admin: Admin, specs: TopicSpec[], logger: Logger): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
  const withConfig = specs.filter((s) => s.config && Object.keys(s.config).length > 0);
  const described =
    withConfig.length === 0
      ? []
      : (
          await admin.describeConfigs({
            includeSynonyms: false,
            resources: withConfig.map((s) => ({ type: TOPIC_RESOURCE, name: s.name, configNames: Object.keys(s.config ?? {}) })),
          })
        ).resources;
  for (const spec of specs) {
    const differences: string[] = [];
    const partitions = topics.find((t) => t.name === spec.name)?.partitions.length;
    if (partitions !== undefined && partitions < spec.partitions) differences.push(`partitions ${partitions} (expected at least ${spec.partitions})`);
    const entries = described.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    for (const [name, want] of Object.entries(spec.config ?? {})) {
      const have = entries.find((e) => e.configName === name)?.configValue;
      if (have !== undefined && have !== want) differences.push(`${name}=${have} (expected ${want})`);
    }
    if (differences.length > 0) logger.warn({ topic: spec.name, differences }, `topic ${spec.name} differs from what this service expects: ${differences.join(', ')}`);
  }
}

/**
 * Creates the missing topics with their partition counts and configs and waits until every partition has a
 * leader (a KRaft broker learns of a new topic a moment after CreateTopics answers). Existing topics are left
 * as they are, with a warning where they differ. Brokers that refuse CreateTopics (ACLs, managed clusters) are
 * tolerated when every topic already exists: one log line says so.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], logger: Logger, replicationFactor = -1): Promise<void> {
  if (specs.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    const present = specs.filter((s) => existing.has(s.name));
    if (present.length > 0) await warnAboutDrift(admin, present, logger).catch((error: unknown) => logger.debug({ err: error }, 'could not compare topic configs'));
    if (missing.length === 0) return;
    let refusal: Error | undefined;
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      if (created) logger.info({ topics: missing.map((s) => s.name) }, 'created topics');
    } catch (error) {
      refusal = error as Error;
    }
    // Another service may have created some of them at the same moment: what counts is that all are usable.
    const stillMissing = await waitForLeaders(admin, missing.map((s) => s.name));
    if (stillMissing.length > 0) {
      const why = refusal ? `broker refused to create topics (${refusal.message})` : 'created topics have no leader yet';
      throw new Error(`${why} and these are not usable: ${stillMissing.join(', ')}; create them or grant CreateTopics`);
    }
    if (refusal) logger.warn({ reason: refusal.message }, 'broker refused CreateTopics; continuing because every topic exists');
  } finally {
    await admin.disconnect();
  }
}

/**
 * Ensures the topics a service reads and writes before it consumes or produces, as the catalog describes them
 * (TOPIC_PARTITIONS partitions; the bridge cursor topic one partition, compacted). Each service does this for
 * itself, so any start order works on an empty broker.
 */
export async function ensureServiceTopics(
  kafka: Kafka,
  topics: string[],
  settings: Pick<KafkaSettings, 'TOPIC_PARTITIONS' | 'TOPIC_REPLICATION_FACTOR' | 'TOPIC_RETENTION_MS'>,
  logger: Logger,
  names: TopicNames = DEFAULT_TOPIC_NAMES,
): Promise<void> {
  const catalog = new Map(catalogTopics(settings.TOPIC_PARTITIONS, names).map((t) => [t.name, t]));
  const retention: Record<string, string> = settings.TOPIC_RETENTION_MS === undefined ? {} : { 'retention.ms': String(settings.TOPIC_RETENTION_MS) };
  const specs = [...new Set(topics)].map((name): TopicSpec => {
    const spec = catalog.get(name) ?? { name, partitions: settings.TOPIC_PARTITIONS };
    return spec.config?.['cleanup.policy'] === 'compact' ? spec : { ...spec, config: { ...retention, ...spec.config } };
  });
  await ensureTopics(kafka, specs, logger, settings.TOPIC_REPLICATION_FACTOR);
}
