import { existsSync } from 'node:fs';
import path from 'node:path';
import { runningPipeline, startKafkaCluster } from '@ckt/local-stack';

interface ReplayBroker {
  brokers: string[];
  /** Where the brokers came from, for the output. */
  source: string;
  /** Set when `npm start` runs on the data dir: its groups have live members. */
  runningPipelinePid?: number;
  stop(): Promise<void>;
}

export class NoBrokerError extends Error {}

/**
 * KAFKA_BROKERS when set; else the broker of `npm start` on DATA_DIR (default ./data): the running one, or, with
 * the pipeline stopped, its local broker started on <DATA_DIR>/kafka for the duration of the command.
 */
export async function replayBroker(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<ReplayBroker> {
  if (env.KAFKA_BROKERS) return { brokers: env.KAFKA_BROKERS.split(','), source: 'KAFKA_BROKERS', stop: async () => {} };
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const running = runningPipeline(path.join(dataDir, 'pipeline.json'));
  if (running?.pid && running.kafkaBrokers) {
    return { brokers: running.kafkaBrokers.split(','), source: `npm start on ${dataDir}`, runningPipelinePid: running.pid, stop: async () => {} };
  }
  const kafkaDir = path.join(dataDir, 'kafka');
  if (!existsSync(path.join(kafkaDir, 'cluster.json'))) {
    throw new NoBrokerError(`no broker: set KAFKA_BROKERS, or run npm start once so that ${kafkaDir} exists (DATA_DIR=${dataDir})`);
  }
  log(`starting the local broker of ${kafkaDir} for this command`);
  const cluster = await startKafkaCluster({ dataDir: kafkaDir });
  return { brokers: cluster.brokers, source: `local broker of ${kafkaDir}`, stop: () => cluster.stop() };
}
