import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.ts';

afterEach(() => vi.useRealTimers());

describe('group commit', () => {
  it('writes items submitted during a write together in the next one, in order', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate;
    });
    const first = group.submit(1);
    await vi.waitFor(() => expect(writes).toEqual([[1]]));
    // The first write holds its gate: these can only wait for it.
    const rest = [group.submit(2), group.submit(3), group.submit(4)];
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('coalesces the submissions of the linger window into one write', async () => {
    vi.useFakeTimers();
    const writes: string[][] = [];
    const group = new GroupCommit<string>(async (items) => void writes.push(items), { lingerMs: 20 });
    const submitted = [group.submit('a')];
    await vi.advanceTimersByTimeAsync(5);
    submitted.push(group.submit('b'), group.submit('c'));
    await vi.advanceTimersByTimeAsync(15);
    await Promise.all(submitted);
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('rejects every submitter of a failed write, and later submissions still go out', async () => {
    let fail = true;
    const writes: number[][] = [];
    const group = new GroupCommit<number>(async (items) => {
      if (fail) throw new Error('warehouse down');
      writes.push(items);
    });
    const outcomes = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await group.submit(3);
    expect(writes).toEqual([[3]]);
  });

  it('without a linger, coalesces the submissions of one event-loop turn', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void writes.push(items));
    await Promise.all([group.submit(1), group.submit(2)]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('caps a write by the items\' sizes, in order; an item above the cap goes alone', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void writes.push(items), { maxWriteSize: 10, sizeOf: (n) => n });
    await Promise.all([4, 5, 3, 12, 1].map((n) => group.submit(n)));
    expect(writes).toEqual([[4, 5], [3], [12], [1]]);
  });

  it('withdraws a queued item when its signal aborts, but not one already in a write', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<string>(async (items) => {
      writes.push(items);
      await gate;
    });
    const inWrite = new AbortController();
    const queued = new AbortController();
    const first = group.submit('a', inWrite.signal);
    await vi.waitFor(() => expect(writes).toEqual([['a']]));
    const second = group.submit('b', queued.signal);
    inWrite.abort(new Error('too late'));
    queued.abort(new Error('gave up'));
    await expect(second).rejects.toThrow('gave up');
    expect(group.queued).toEqual([]);
    release();
    await expect(first).resolves.toBeUndefined();
    await group.flush();
    expect(writes).toEqual([['a']]);
  });
});
