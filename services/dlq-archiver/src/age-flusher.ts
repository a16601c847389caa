import { backoffDelay, sleep, type BackoffOptions } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import type { PartitionArchiver } from './partition-archiver.ts';

export interface AgeFlusherOptions {
  maxAgeMs: number;
  archivers: () => Iterable<PartitionArchiver>;
  /** Stops and restarts fetching a partition while its store attempts fail. */
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  backoff: BackoffOptions;
  logger: Logger;
  /** Called with whether the latest attempt to store an aged object worked (for readiness). */
  onOutcome?: (ok: boolean) => void;
}

export interface AgeFlusher {
  stop(): Promise<void>;
}

interface Failing {
  attempts: number;
  retryAt: number;
}

/**
 * Writes partly filled objects of quiet partitions once they are old enough (Kafka calls the batch handler
 * only when records arrive). A failed attempt pauses the partition, so nothing piles up behind it, and is
 * retried with backoff until it works; then the partition resumes.
 */
export function startAgeFlusher(o: AgeFlusherOptions): AgeFlusher {
  const failing = new Map<PartitionArchiver, Failing>();
  const stopping = new AbortController();
  const tickMs = Math.min(1000, Math.max(50, Math.floor(o.maxAgeMs / 4)));

  async function flush(archiver: PartitionArchiver, now: number): Promise<void> {
    const state = failing.get(archiver);
    if (state && now < state.retryAt) return;
    try {
      await archiver.flushIfOlderThan(o.maxAgeMs, stopping.signal);
      if (state) {
        failing.delete(archiver);
        o.resume(archiver.topic, archiver.partition);
        o.logger.info({ topic: archiver.topic, partition: archiver.partition }, 'object store works again; partition resumed');
      }
      o.onOutcome?.(true);
    } catch (error) {
      if (stopping.signal.aborted) return;
      const attempts = (state?.attempts ?? 0) + 1;
      const delay = backoffDelay(attempts, o.backoff);
      if (!state) o.pause(archiver.topic, archiver.partition);
      failing.set(archiver, { attempts, retryAt: Date.now() + delay });
      o.onOutcome?.(false);
      o.logger.warn({ topic: archiver.topic, partition: archiver.partition, attempts, retryInMs: delay, err: error }, 'storing an aged object failed; partition paused, will retry');
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await sleep(tickMs, stopping.signal);
      if (stopping.signal.aborted) break;
      const now = Date.now();
      const live = new Set(o.archivers());
      for (const archiver of failing.keys()) if (!live.has(archiver)) failing.delete(archiver); // revoked
      await Promise.all([...live].map((archiver) => flush(archiver, now)));
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
