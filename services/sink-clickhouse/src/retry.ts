import { backoffDelay, sleep, type BackoffOptions } from '@ckt/kafka';

export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor() {
    super('the sink is stopping');
  }
}

export interface RetryHooks {
  backoff: BackoffOptions;
  signal: AbortSignal;
  /** Called before each wait (log, count, pause the partition). */
  onRetry(error: unknown, attempt: number, delayMs: number): void;
  /** Called once the operation succeeded after at least one retry (resume the partition). */
  onRecovered?(): void;
}

/**
 * Runs `operation` until it succeeds, waiting a jittered exponential backoff between attempts; never gives up
 * (nothing may be skipped) except when `signal` aborts, which throws StoppedError. `shouldRetry` = false
 * rethrows the error at once (e.g. rows the warehouse rejects: retrying cannot help).
 */
export async function retryForever<T>(operation: () => Promise<T>, hooks: RetryHooks, shouldRetry: (error: unknown) => boolean = () => true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (hooks.signal.aborted) throw new StoppedError();
    try {
      const result = await operation();
      if (attempt > 1) hooks.onRecovered?.();
      return result;
    } catch (error) {
      if (hooks.signal.aborted) throw new StoppedError();
      if (!shouldRetry(error)) {
        if (attempt > 1) hooks.onRecovered?.();
        throw error;
      }
      const delay = backoffDelay(attempt, hooks.backoff);
      hooks.onRetry(error, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}
