import type { Logger } from '@ckt/logging';

/** A consumed topic was deleted and created again: its offsets started over under a new topic id. */
export class TopicRecreatedError extends Error {
  override readonly name = 'TopicRecreatedError';
  constructor(
    readonly topic: string,
    readonly previousId: string,
    readonly currentId: string,
  ) {
    super(`topic ${topic} was deleted and created again (topic id ${previousId} -> ${currentId}): its offsets started over`);
  }
}

export interface IncarnationGuard {
  /** Learns the topics' current ids (after joining the group). */
  refresh(): void;
  /** Throws TopicRecreatedError when a topic's id is no longer the one learned; call before committing. */
  verify(topics: readonly string[]): Promise<void>;
  stop(): void;
}

interface IncarnationGuardOptions {
  /** The topics' current ids (topicIdsOf). */
  fetchIds(topics: string[]): Promise<Map<string, string>>;
  topics: readonly string[];
  logger: Logger;
  /** Also checks on its own this often (0: only before commits). */
  checkMs: number;
  /** Called once, with the first change found. */
  onRecreated(error: TopicRecreatedError): void;
  /** Ids fetched less than this long ago are reused by verify (default 1 s). */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Watches the ids of a consumer's topics. kafkajs keeps its fetch position across a topic's deletion and
 * re-creation: it reads the new topic from the old offset when the new one already has that many records, and
 * the records before it are never read. A consumer must not commit into a new incarnation it took for the old
 * one; the guard tells it so before each commit, and on a timer when nothing is committed.
 */
export function createIncarnationGuard(o: IncarnationGuardOptions): IncarnationGuard {
  const now = o.now ?? Date.now;
  const cacheMs = o.cacheMs ?? 1000;
  let known: Promise<Map<string, string>> | undefined;
  let fetched: { at: number; ids: Promise<Map<string, string>> } | undefined;
  let reported = false;

  const current = (): Promise<Map<string, string>> => {
    if (!fetched || now() - fetched.at >= cacheMs) fetched = { at: now(), ids: o.fetchIds([...o.topics]) };
    return fetched.ids;
  };

  async function verify(topics: readonly string[]): Promise<void> {
    if (!known) return;
    const [before, after] = await Promise.all([known, current()]);
    for (const topic of topics) {
      const previous = before.get(topic);
      const id = after.get(topic);
      if (!previous || !id || previous === id) continue;
      const error = new TopicRecreatedError(topic, previous, id);
      if (!reported) {
        reported = true;
        o.onRecreated(error);
      }
      throw error;
    }
  }

  const timer = o.checkMs > 0 ? setInterval(() => void verify(o.topics).catch(() => {}), o.checkMs) : undefined;
  timer?.unref();

  return {
    refresh() {
      fetched = undefined;
      const reading = current();
      // Not known yet (broker busy): the next join or check learns it; nothing is verified until then.
      reading.catch((error: unknown) => o.logger.warn({ err: error }, 'could not read topic ids'));
      known = reading.catch(() => new Map<string, string>());
    },
    verify,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
