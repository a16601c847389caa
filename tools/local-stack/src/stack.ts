import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockKafka } from './mock-kafka.ts';
import type { MockKafka, TopicSpec } from './mock-kafka.ts';
import { startRegistryDouble } from './registry-double.ts';
import type { RegistryDouble } from './registry-double.ts';
import { startS3 } from './s3-server.ts';
import type { S3Server } from './s3-server.ts';

export const ARCHIVE_BUCKET = 'archive';

export interface StackOptions {
  /** Holds the warehouse, s3rver's files and the registry's JSON; default a fresh temp dir, removed on stop. */
  dataDir?: string;
  topics: TopicSpec[];
  brokers?: number;
  /** Which parts to start (all by default). */
  components?: { kafka?: boolean; registry?: boolean; s3?: boolean };
}

export interface Stack {
  readonly dataDir: string;
  /** chDB data directory; nothing runs there, and only one process may open it. */
  readonly warehousePath: string;
  /** Throws if the stack was started without this component. */
  readonly kafka: MockKafka;
  readonly registryUrl: string;
  readonly s3: S3Server;
  /** Environment variables the services read, for the started components. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

function missing(component: string): never {
  throw new Error(`the stack was started without ${component}`);
}

/** Starts mock Kafka, the registry double and s3rver side by side on ephemeral loopback ports. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'ckt-stack-'));
  mkdirSync(dataDir, { recursive: true });
  const warehousePath = path.join(dataDir, 'warehouse');
  const want = { kafka: true, registry: true, s3: true, ...opts.components };

  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled(started.splice(0).map((part) => part.stop()));
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  // Independent parts: start them together; if one fails, stop the others before reporting it.
  const [kafkaResult, registryResult, s3Result] = await Promise.allSettled([
    want.kafka ? startMockKafka({ brokers: opts.brokers, topics: opts.topics }) : undefined,
    want.registry ? startRegistryDouble({ file: path.join(dataDir, 'registry.json') }) : undefined,
    want.s3 ? startS3({ dir: path.join(dataDir, 's3'), buckets: [ARCHIVE_BUCKET] }) : undefined,
  ]);
  const value = <T extends { stop(): Promise<void> }>(result: PromiseSettledResult<T | undefined>): T | undefined => {
    if (result.status === 'rejected') return undefined;
    if (result.value) started.push(result.value);
    return result.value;
  };
  const kafka: MockKafka | undefined = value(kafkaResult);
  const registry: RegistryDouble | undefined = value(registryResult);
  const s3: S3Server | undefined = value(s3Result);
  const failure = [kafkaResult, registryResult, s3Result].find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failure) {
    await stopAll().catch(() => {});
    throw failure.reason;
  }

  return {
    dataDir,
    warehousePath,
    get kafka() {
      return kafka ?? missing('kafka');
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
