// vitest globalSetup of the integration suite: one real Kafka broker for the whole run. Files share it and
// keep out of each other's way by topic and group names (test/helpers/names.ts); fault tests start their own.
import type { TestProject } from 'vitest/node';
import { startKafkaCluster } from '@ckt/local-stack';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startKafkaCluster();
  project.provide('kafkaBrokers', cluster.brokers);
  return () => cluster.stop();
}
