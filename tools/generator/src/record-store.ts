import type { GeneratedRecord } from './generator.ts';
import type { PullSource } from './pull-server.ts';
import type { Schedule } from './schedule.ts';

/**
 * Records of a stream kept in memory as they are first needed (the pull API serves any cursor again),
 * released over time by a schedule: `available()` is what the schedule allows since `startMs`.
 */
export function createScheduledSource(options: {
  records: Iterator<GeneratedRecord>;
  schedule: Schedule;
  startMs: number;
  now?: () => number;
}): PullSource & { readonly materialised: readonly GeneratedRecord[] } {
  const now = options.now ?? Date.now;
  const store: GeneratedRecord[] = [];
  const fill = (count: number): void => {
    while (store.length < count) {
      const next = options.records.next();
      if (next.done) throw new Error(`stream ended after ${store.length} records, ${count} needed`);
      store.push(next.value);
    }
  };
  return {
    total: options.schedule.total,
    available: () => options.schedule.due(now() - options.startMs),
    get(index) {
      fill(index + 1);
      return store[index] as GeneratedRecord;
    },
    materialised: store,
  };
}
