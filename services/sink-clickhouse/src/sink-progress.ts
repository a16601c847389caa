import type { Logger } from '@ckt/logging';
import { GroupCommit, LoadOnce } from '@ckt/resilience';
import { readProgress, recordProgress, type ProgressRecord, type Warehouse } from '@ckt/warehouse';

/** How long the first progress row of a round waits for those of partitions still finishing their inserts. */
const PROGRESS_LINGER_MS = 10;

interface SinkProgressOptions {
  warehouse: Warehouse;
  /** Kafka's id of a topic's current incarnation ('' when the broker gives none). */
  topicId(topic: string): Promise<string>;
  /** A topic was found re-created: its old progress does not apply. */
  onRecreated(topic: string): void;
  logger: Logger;
}

/**
 * The sink's progress in the warehouse (dwh.sink_progress_v2): per partition the last offset written, under
 * the topic's incarnation. Read once per topic and assignment (shared by its partitions); recorded through a
 * group commit, since partitions flush on the same interval ticks and their rows mostly share one insert.
 */
export class SinkProgress {
  private readonly read = new LoadOnce((topic: string) => this.load(topic));
  /** Per topic, the incarnation its progress was read for: what the rows written next record. */
  private readonly incarnations = new Map<string, string>();
  private readonly log: GroupCommit<ProgressRecord>;

  constructor(private readonly o: SinkProgressOptions) {
    this.log = new GroupCommit((records) => recordProgress(o.warehouse, records), { lingerMs: PROGRESS_LINGER_MS });
  }

  async watermark(topic: string, partition: number): Promise<bigint | undefined> {
    return (await this.read.get(topic)).get(partition);
  }

  record(progress: Omit<ProgressRecord, 'topicId'>): Promise<void> {
    return this.log.submit({ ...progress, topicId: this.incarnations.get(progress.topic) ?? '' });
  }

  /** After a rebalance: read again (a topic re-created in between starts its offsets over under a new id), now. */
  reload(topics: Iterable<string>): void {
    this.read.clear();
    for (const topic of topics) this.read.get(topic).catch(() => {});
  }

  private async load(topic: string): Promise<Map<number, bigint>> {
    const topicId = await this.o.topicId(topic);
    const read = await readProgress(this.o.warehouse, topic, topicId);
    this.incarnations.set(topic, topicId);
    if (read.previousIncarnations.length > 0 && read.watermarks.size === 0) {
      // Its offsets started over: what the old topic's progress says about them is not true of these.
      this.o.onRecreated(topic);
      this.o.logger.error(
        { topic, topicId, previous: read.previousIncarnations },
        `topic ${topic} was deleted and created again (new topic id): its records are written from its first offset, progress of the old topic is not used`,
      );
    }
    return read.watermarks;
  }
}
