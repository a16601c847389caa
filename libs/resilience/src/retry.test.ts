import { describe, expect, it } from 'vitest';
import { retry, RetryStoppedError, type RetryPolicy } from './retry.ts';

/** A policy whose waits are recorded instead of slept. */
function recorded(extra: Partial<RetryPolicy> = {}) {
  const waits: number[] = [];
  const events: string[] = [];
  const policy: RetryPolicy = {
    backoff: { initialMs: 100, maxMs: 400 },
    random: () => 1,
    wait: async (ms) => void waits.push(ms),
    onRetry: ({ attempt, delayMs }) => events.push(`retry ${attempt} in ${delayMs}`),
    onRecovered: () => events.push('recovered'),
    ...extra,
  };
  return { policy, waits, events };
}

function failing(times: number, error: unknown = new Error('down')) {
  let calls = 0;
  return async (): Promise<string> => {
    calls++;
    if (calls <= times) throw error;
    return `ok after ${calls}`;
  };
}

describe('retry', () => {
  it('retries with doubling, capped backoff until the operation works, then reports the recovery once', async () => {
    const { policy, waits, events } = recorded();
    await expect(retry(failing(4), policy)).resolves.toBe('ok after 5');
    expect(waits).toEqual([100, 200, 400, 400]);
    expect(events).toEqual(['retry 1 in 100', 'retry 2 in 200', 'retry 3 in 400', 'retry 4 in 400', 'recovered']);
  });

  it('does not call the hooks when the first attempt works', async () => {
    const { policy, events } = recorded();
    await expect(retry(failing(0), policy)).resolves.toBe('ok after 1');
    expect(events).toEqual([]);
  });

  it('rethrows a failure that is not retryable at once', async () => {
    const rejected = Object.assign(new Error('incompatible'), { status: 409 });
    const { policy, waits } = recorded({ retryable: (error) => (error as { status?: number }).status !== 409 });
    await expect(retry(failing(1, rejected), policy)).rejects.toBe(rejected);
    expect(waits).toEqual([]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { policy, waits } = recorded({ maxAttempts: 3 });
    await expect(retry(failing(5), policy)).rejects.toThrow('down');
    expect(waits).toHaveLength(2);
  });

  it('stops when its signal aborts, during a wait or before an attempt', async () => {
    const stop = new AbortController();
    const { policy } = recorded({ signal: stop.signal, wait: async () => stop.abort() });
    let attempts = 0;
    const run = retry(async () => {
      attempts++;
      throw new Error('down');
    }, policy);
    await expect(run).rejects.toBeInstanceOf(RetryStoppedError);
    expect(attempts).toBe(1);
    await expect(retry(async () => 'never', policy)).rejects.toBeInstanceOf(RetryStoppedError);
  });
});
