import { describe, expect, it, vi } from 'vitest';
import { within } from './within.ts';

describe('within', () => {
  it('is true for work that settles in time, failed work included', async () => {
    await expect(within(Promise.resolve(), 1000)).resolves.toBe(true);
    await expect(within(Promise.reject(new Error('gone')), 1000)).resolves.toBe(true);
    await expect(within(undefined, 1000)).resolves.toBe(true);
  });

  it('is false once the time runs out on work that never ends', async () => {
    vi.useFakeTimers();
    try {
      const outcome = within(new Promise(() => {}), 5000);
      await vi.advanceTimersByTimeAsync(5000);
      await expect(outcome).resolves.toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
