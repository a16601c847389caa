import type { Logger } from '@ckt/logging';
import { retry, sleep, type BackoffOptions } from '@ckt/resilience';
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

/**
 * Writes partly filled objects of quiet partitions once they are old enough (Kafka calls the batch handler
 * only when records arrive). A failed attempt pauses the partition, so nothing piles up behind it, and is
 * retried with backoff until it works (or the partition is revoked); then the partition resumes.
 */
export function startAgeFlusher(o: AgeFlusherOptions): AgeFlusher {
  const stopping = new AbortController();
  const tickMs = Math.min(1000, Math.max(50, Math.floor(o.maxAgeMs / 4)));
  /** Flushes in progress, retries included: a partition has at most one, and the tick never waits for it. */
  const inFlight = new Map<PartitionArchiver, Promise<void>>();
  const isLive = (archiver: PartitionArchiver) => [...o.archivers()].includes(archiver);

  async function flush(archiver: PartitionArchiver): Promise<void> {
    const where = { topic: archiver.topic, partition: archiver.partition };
    let paused = false;
    try {
      await retry(() => archiver.flushIfOlderThan(o.maxAgeMs, stopping.signal), {
        backoff: o.backoff,
        signal: stopping.signal,
        onRetry: ({ error, attempt, delayMs }) => {
          if (!paused) o.pause(archiver.topic, archiver.partition);
          paused = true;
          o.onOutcome?.(false);
          o.logger.warn({ ...where, attempts: attempt, retryInMs: delayMs, err: error }, 'storing an aged object failed; partition paused, will retry');
        },
      });
      o.onOutcome?.(true);
      // A revoked partition is resumed by the reassignment, not here.
      if (paused && isLive(archiver)) {
        o.resume(archiver.topic, archiver.partition);
        o.logger.info(where, 'object store works again; partition resumed');
      }
    } catch {
      // Stopped: what is buffered stays uncommitted and is read again by the next owner.
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await sleep(tickMs, stopping.signal);
      if (stopping.signal.aborted) break;
      for (const archiver of o.archivers()) {
        if (inFlight.has(archiver)) continue;
        inFlight.set(
          archiver,
          flush(archiver).finally(() => inFlight.delete(archiver)),
        );
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
      await Promise.all(inFlight.values());
    },
  };
}
