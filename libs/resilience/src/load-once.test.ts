import { describe, expect, it } from 'vitest';
import { LoadOnce } from './load-once.ts';

describe('LoadOnce', () => {
  it('shares one load per key, forgets a failed one, and loads again after clear', async () => {
    const calls: string[] = [];
    let fail = true;
    const cache = new LoadOnce(async (key: string) => {
      calls.push(key);
      if (fail) throw new Error('down');
      return key.toUpperCase();
    });
    await expect(Promise.all([cache.get('a'), cache.get('a')])).rejects.toThrow('down');
    fail = false;
    expect(await Promise.all([cache.get('a'), cache.get('a'), cache.get('b')])).toEqual(['A', 'A', 'B']);
    cache.clear();
    await cache.get('a');
    expect(calls).toEqual(['a', 'a', 'b', 'a']);
  });
});
