import { logLevel } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import { throttledCheck } from '@ckt/observability';
import { createKafka } from './client.ts';
import type { KafkaSettings } from './settings.ts';

interface BrokerProbe {
  /** Whether the cluster answered metadata within the timeout, at most `cacheMs` ago (checks again if older). */
  reachable(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * A readiness check that asks the cluster: a producer stays "connected" through an outage (kafkajs reconnects
 * behind it), so only a real request tells whether a publish can succeed now. Bounded: one attempt, no retries,
 * answered from the last result when asked again within `cacheMs`.
 */
export function createBrokerProbe(settings: KafkaSettings, logger: Logger, { cacheMs = 2000, timeoutMs = 1500 } = {}): BrokerProbe {
  // Its own client: one attempt and quiet (an outage is what it reports, not something to log every 2 s).
  const admin = createKafka(settings, logger, `${settings.KAFKA_CLIENT_ID}-readiness`, {
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  async function ask(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      const answer = (async () => {
        await admin.connect();
        const { brokers: listed } = await admin.describeCluster();
        return listed.length > 0;
      })().catch(async () => {
        await admin.disconnect().catch(() => {});
        return false;
      });
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    reachable: throttledCheck(cacheMs, ask),
    stop: () => admin.disconnect().catch(() => {}),
  };
}
