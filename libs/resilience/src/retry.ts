import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { sleep } from './sleep.ts';

/** The retries were stopped by the policy's signal (a shutdown or a revoked partition), not by the operation. */
export class RetryStoppedError extends Error {
  override readonly name = 'RetryStoppedError';
  constructor() {
    super('retrying stopped');
  }
}

export interface RetryFailure {
  error: unknown;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** How long the next attempt waits. */
  delayMs: number;
}

export interface RetryPolicy {
  backoff: BackoffOptions;
  /** Rethrows the last error after this many attempts (default: retries until it works or is stopped). */
  maxAttempts?: number;
  /** Aborting ends the pending wait and throws RetryStoppedError. */
  signal?: AbortSignal;
  /** False rethrows at once: retrying cannot help (a rejected row, an incompatible schema). Default: all retried. */
  retryable?: (error: unknown) => boolean;
  /** Before each wait: log, count, pause a partition. */
  onRetry?: (failure: RetryFailure) => void;
  /** Once the operation settles (succeeds, or fails for good) after at least one retry: resume what onRetry paused. */
  onRecovered?: () => void;
  /** Waits out a delay (default: sleep). The consumer heartbeats while it waits; tests run a fake clock. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Runs `operation` until it succeeds, waiting a jittered exponential backoff between attempts (see RetryPolicy). */
export async function retry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const { signal } = policy;
  const wait = policy.wait ?? sleep;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new RetryStoppedError();
    try {
      const result = await operation(attempt);
      if (attempt > 1) policy.onRecovered?.();
      return result;
    } catch (error) {
      if (signal?.aborted) throw new RetryStoppedError();
      const retryable = policy.retryable?.(error) ?? true;
      if (!retryable || attempt >= (policy.maxAttempts ?? Infinity)) {
        if (attempt > 1) policy.onRecovered?.();
        throw error;
      }
      const delayMs = backoffDelay(attempt, policy.backoff, policy.random);
      policy.onRetry?.({ error, attempt, delayMs });
      await wait(delayMs, signal);
    }
  }
}
