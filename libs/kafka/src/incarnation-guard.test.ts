import { describe, expect, it } from 'vitest';
import { createLogger } from '@ckt/logging';
import { createIncarnationGuard, TopicRecreatedError } from './incarnation-guard.ts';

const logger = createLogger('guard-test', { LOG_LEVEL: 'silent' });

/** A guard over topics a and b whose ids the test sets; the clock is the test's too. */
function guard(ids: Record<string, string>) {
  let clock = 0;
  let fetches = 0;
  const reported: TopicRecreatedError[] = [];
  const g = createIncarnationGuard({
    fetchIds: async (topics) => (fetches++, new Map(topics.map((t) => [t, ids[t] ?? '']))),
    topics: ['a', 'b'],
    logger,
    checkMs: 0,
    onRecreated: (error) => reported.push(error),
    now: () => clock,
  });
  return { g, reported, fetches: () => fetches, advance: (ms: number) => (clock += ms) };
}

describe('incarnation guard', () => {
  it('lets commits through while the ids are those learned at the join', async () => {
    const ids = { a: 'A1', b: 'B1' };
    const { g, reported } = guard(ids);
    g.refresh();
    await expect(g.verify(['a', 'b'])).resolves.toBeUndefined();
    expect(reported).toEqual([]);
  });

  it('refuses a commit into a topic that was created again, and reports the change once', async () => {
    const ids: Record<string, string> = { a: 'A1', b: 'B1' };
    const { g, reported, advance } = guard(ids);
    g.refresh();
    await g.verify(['a']);
    ids.a = 'A2';
    advance(1000);
    await expect(g.verify(['b'])).resolves.toBeUndefined();
    await expect(g.verify(['a'])).rejects.toMatchObject({ name: 'TopicRecreatedError', topic: 'a', previousId: 'A1', currentId: 'A2' });
    await expect(g.verify(['a'])).rejects.toBeInstanceOf(TopicRecreatedError);
    expect(reported.map((e) => e.topic)).toEqual(['a']);
  });

  it('reuses ids fetched within the last second, and verifies nothing before it learned them', async () => {
    const { g, fetches, advance } = guard({ a: 'A1', b: 'B1' });
    await g.verify(['a']);
    expect(fetches()).toBe(0);
    g.refresh();
    await g.verify(['a']);
    await g.verify(['b']);
    expect(fetches()).toBe(1);
    advance(1000);
    await g.verify(['a']);
    expect(fetches()).toBe(2);
  });

  it('takes a topic without an id (an old broker) as unchanged', async () => {
    const ids: Record<string, string> = { a: '', b: 'B1' };
    const { g, reported, advance } = guard(ids);
    g.refresh();
    ids.a = 'A9';
    advance(5000);
    await expect(g.verify(['a'])).resolves.toBeUndefined();
    expect(reported).toEqual([]);
  });
});
