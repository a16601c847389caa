import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CatalogTopic } from '@ckt/domain';
import { createKafka, ensureTopics, kafkaSchema } from '@ckt/kafka';
import { loadConfig } from '@ckt/config';
import { createCommandLogger } from '@ckt/logging';
import { startKafkaCluster, type KafkaCluster } from './kafka/kafka-cluster.ts';
import { startRegistryDouble } from './registry-double.ts';
import type { RegistryDouble } from './registry-double.ts';
import { startS3 } from './s3-server.ts';
import type { S3Server } from './s3-server.ts';

export const ARCHIVE_BUCKET = 'archive';

export type TopicSpec = CatalogTopic;

/** Where the stack's Kafka comes from: a cluster it starts (default one node), or brokers already running. */
export type KafkaSource = { nodes?: 1 | 3; dataDir?: string } | { brokers: string[] };

export interface StackOptions {
  /** Holds the warehouse, s3rver's files and the registry's JSON; default a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Created (with their configs) before the stack is returned. */
  topics: TopicSpec[];
  kafka?: KafkaSource;
  /** Which parts to start (all by default). */
  components?: { kafka?: boolean; registry?: boolean; s3?: boolean };
}

export interface StackKafka {
  /** host:port of every broker, for kafkajs `brokers`. */
  readonly brokers: string[];
  /** The cluster this stack started; throws when it uses brokers it was given. */
  readonly cluster: KafkaCluster;
}

export interface Stack {
  readonly dataDir: string;
  /** chDB data directory; nothing runs there, and only one process may open it. */
  readonly warehousePath: string;
  /** Throws if the stack was started without this component. */
  readonly kafka: StackKafka;
  readonly registryUrl: string;
  readonly s3: S3Server;
  /** Environment variables the services read, for the started components. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

function missing(component: string): never {
  throw new Error(`the stack was started without ${component}`);
}

/** Creates topics the way the services do (ensureTopics), with the topics' configs. */
async function createTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  const logger = createCommandLogger('local-stack', { LOG_LEVEL: 'warn' });
  await ensureTopics(createKafka(loadConfig(kafkaSchema, { KAFKA_BROKERS: brokers.join(',') }), logger), topics, logger);
}

async function startKafka(source: KafkaSource, dataDir: string): Promise<{ brokers: string[]; cluster?: KafkaCluster; stop(): Promise<void> }> {
  if ('brokers' in source) return { brokers: source.brokers, stop: async () => {} };
  const cluster = await startKafkaCluster({ nodes: source.nodes, dataDir: source.dataDir ?? path.join(dataDir, 'kafka') });
  return { brokers: cluster.brokers, cluster, stop: () => cluster.stop() };
}

/** Starts Kafka (or uses a running one), the registry double and s3rver side by side on loopback ports. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const temporary = !opts.dataDir;
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'ckt-stack-'));
  mkdirSync(dataDir, { recursive: true });
  const warehousePath = path.join(dataDir, 'warehouse');
  const want = { kafka: true, registry: true, s3: true, ...opts.components };

  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled(started.splice(0).map((part) => part.stop()));
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  // Independent parts: start them together; if one fails, stop the others before reporting it.
  const results = await Promise.allSettled([
    want.kafka
      ? startKafka(opts.kafka ?? {}, dataDir).then(async (kafka) => {
          started.push(kafka);
          await createTopics(kafka.brokers, opts.topics);
          return kafka;
        })
      : undefined,
    want.registry ? startRegistryDouble({ file: path.join(dataDir, 'registry.json') }) : undefined,
    want.s3 ? startS3({ dir: path.join(dataDir, 's3'), buckets: [ARCHIVE_BUCKET] }) : undefined,
  ] as const);
  const [kafkaResult, registryResult, s3Result] = results;
  const registry: RegistryDouble | undefined = registryResult.status === 'fulfilled' ? registryResult.value : undefined;
  const s3: S3Server | undefined = s3Result.status === 'fulfilled' ? s3Result.value : undefined;
  for (const part of [registry, s3]) if (part) started.push(part);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stopAll().catch(() => {});
    throw failure.reason;
  }
  const kafka = kafkaResult.status === 'fulfilled' ? kafkaResult.value : undefined;

  return {
    dataDir,
    warehousePath,
    get kafka(): StackKafka {
      const running = kafka ?? missing('kafka');
      return {
        brokers: running.brokers,
        get cluster() {
          return running.cluster ?? missing('a Kafka cluster of its own (it was given brokers)');
        },
      };
    },
    get registryUrl() {
      return registry?.url ?? missing('the schema registry');
    },
    get s3() {
      return s3 ?? missing('s3');
    },
    env() {
      const env: Record<string, string> = { WAREHOUSE_PATH: warehousePath };
      if (kafka) env.KAFKA_BROKERS = kafka.brokers.join(',');
      if (registry) env.SCHEMA_REGISTRY_URL = registry.url;
      if (s3) {
        Object.assign(env, {
          S3_ENDPOINT: s3.endpoint,
          S3_REGION: s3.region,
          S3_ACCESS_KEY_ID: s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
          S3_FORCE_PATH_STYLE: 'true',
          ARCHIVE_URL: `s3://${ARCHIVE_BUCKET}/`,
        });
      }
      return env;
    },
    stop: stopAll,
  };
}
