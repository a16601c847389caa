import type { Logger } from '@ckt/logging';
import { retry, RetryStoppedError, type BackoffOptions } from '@ckt/resilience';
import { isTimedTrigger, type Cutter, type CutBatch } from './cutter.ts';
import { PartitionOffsets } from './partition-offsets.ts';
import type { OffsetItem, SinkObserver, SinkStore, TopicPartition, WriteContext } from './store.ts';

/** What a partition writer drives on the consumer, for its own partition. */
interface PartitionControl {
  /** Commits `offset` (the next offset to read). */
  commit(offset: bigint): Promise<void>;
  pause(): void;
  resume(): void;
}

/** This partition's part of the sink-wide memory budget. */
interface MemoryBudget {
  /** Bytes this partition may hold: above it the buffer is cut at once, and paused while batches wait. */
  share(): number;
  /** Reports what this partition holds more (or less, negative). */
  changed(delta: number): void;
}

interface PartitionWriterOptions<Item extends OffsetItem> {
  tp: TopicPartition;
  store: SinkStore<Item>;
  control: PartitionControl;
  budget: MemoryBudget;
  backoff: BackoffOptions;
  observer: SinkObserver<Item>;
  logger: Logger;
  /** Aborted when the sink stops. */
  signal: AbortSignal;
  /** Work of the previous writer of this partition (revoked) that must settle before this one writes. */
  after?: Promise<unknown>;
  now?: () => number;
}

type PauseReason = 'backpressure' | 'retry' | 'memory';

/** Cut batches waiting or being written per partition before the partition is paused. */
const MAX_PENDING_BATCHES = 2;

/**
 * The sink of one topic partition: fetched records are handed over quickly (the consumer keeps fetching other
 * partitions), cut into batches by the store's rules and written one after another, in offset order. A batch is
 * committed only once the store made it durable. A failing store pauses only this partition while the batch is
 * retried; a revoked partition drops its buffer (the next owner reads those records again).
 */
export class PartitionWriter<Item extends OffsetItem> {
  readonly tp: TopicPartition;
  readonly offsets: PartitionOffsets;
  private readonly cutter: Cutter<Item>;
  private readonly now: () => number;
  private readonly revoked = new AbortController();
  private readonly signal: AbortSignal;
  private readonly pausedFor = new Set<PauseReason>();
  private readonly context: WriteContext;
  /** Cut batches waiting for the one being written; the write loop takes them in order. */
  private readonly queue: Array<{ batch: CutBatch<Item>; cutAt: number; epoch: number }> = [];
  /** Bumped when the consumer went back: batches cut before that are neither written nor committed. */
  private epoch = 0;
  private writing = false;
  /** The write loop while it runs; it starts after the previous writer of the partition settled. */
  private loop: Promise<void> | undefined;
  private readonly predecessor: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failed = false;
  /** Estimated bytes of items buffered or being written. */
  private held = 0;

  constructor(private readonly o: PartitionWriterOptions<Item>) {
    this.tp = o.tp;
    this.cutter = o.store.cutter(o.tp);
    this.now = o.now ?? Date.now;
    this.signal = AbortSignal.any([o.signal, this.revoked.signal]);
    this.predecessor = (o.after ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
    this.offsets = new PartitionOffsets((watermark, logEnd) =>
      o.logger.error(
        { ...o.tp, watermark: String(watermark), logEnd: String(logEnd) },
        "the store's watermark is past the end of the partition (was the topic re-created?); it is ignored",
      ),
    );
    this.context = { retry: (operation, run, retryable) => this.retry(operation, run, retryable), signal: this.signal };
  }

  /** False once an unexpected error stopped this partition (it stays paused; see the logs). */
  get healthy(): boolean {
    return !this.failed;
  }

  /** True while a write of this partition is being retried. */
  get retrying(): boolean {
    return this.pausedFor.has('retry') && !this.failed;
  }

  get bufferedItems(): number {
    return this.cutter.itemCount;
  }

  get oldestAt(): number | undefined {
    return this.cutter.oldestAt;
  }

  /** The store's watermark is known (or the store keeps none): fetched records can be filtered before `prepare`. */
  get ready(): boolean {
    return this.offsets.watermarkKnown || !this.o.store.watermark;
  }

  /** Reads the store's watermark (rejects when it cannot be read: the write path retries it). */
  async learnWatermark(): Promise<void> {
    this.offsets.learnWatermark(await this.watermark());
  }

  /**
   * Called with the first offset of each fetch before it is prepared. A fetch below everything handed over means
   * the consumer went back: what is buffered or waiting is dropped and uncommitted, and the partition starts over
   * from that fetch (what the store holds is still skipped by the watermark, or rewritten to the same bytes).
   */
  fetched(firstOffset: bigint): void {
    if (!this.offsets.rewound(firstOffset)) return;
    this.o.logger.warn({ ...this.tp, offset: String(firstOffset) }, 'the consumer went back; the partition starts over from there');
    this.epoch++;
    this.hold(-this.memoryOf([...this.cutter.clear(), ...this.queue.splice(0).flatMap((queued) => queued.batch.items)]));
    this.offsets.restart();
  }

  /** Takes the items of one fetch [from, through] (in offset order), with the log end at fetch time. */
  accept(items: Item[], from: bigint, through: bigint, logEnd: bigint | undefined): void {
    if (this.closed || !this.offsets.handOver(from, through)) return;
    const atEnd = logEnd !== undefined && through + 1n >= logEnd;
    this.cutter.add(items, through, this.now(), atEnd);
    this.hold(this.memoryOf(items));
    this.schedule();
  }

  /** Cuts whatever may be cut and waits until every batch is written and committed. */
  async drain(): Promise<void> {
    this.clearTimer();
    while (!this.closed && this.cutter.hasPending()) {
      const batch = this.cutter.cut('drain', this.now());
      if (!batch) break;
      this.enqueue(batch);
    }
    await this.idle();
  }

  /** The partition is no longer ours: drop the buffer, stop the batch being written at its next retry. */
  revoke(): Promise<void> {
    this.close();
    this.revoked.abort();
    return this.idle();
  }

  /** Stops timers and forgets the buffer; the write in flight settles on its own. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.hold(-this.memoryOf(this.cutter.clear()));
    for (const reason of [...this.pausedFor]) this.unpause(reason);
  }

  /**
   * Cuts batches that are due (by the store's rules, or over this partition's memory share) while fewer than
   * MAX_PENDING_BATCHES wait; pauses the partition when it cannot cut (backpressure) or holds more than its
   * share, and resumes it when that clears.
   */
  private schedule(): void {
    if (this.closed) return;
    const now = this.now();
    const share = this.o.budget.share();
    while (this.pendingBatches < MAX_PENDING_BATCHES) {
      let trigger = this.dueNow(now) ?? (this.held > share && this.cutter.itemCount > 0 ? 'memory' : undefined);
      // Records that produced no item (dead-lettered, already written) still have offsets to commit.
      if (!trigger && this.cutter.itemCount === 0 && this.cutter.hasPending() && this.pendingBatches === 0) trigger = 'interval';
      const batch = trigger && this.cutter.cut(trigger, now);
      if (!batch) break;
      this.enqueue(batch);
    }
    if (this.dueNow(now) && this.pendingBatches >= MAX_PENDING_BATCHES) this.pauseFor('backpressure');
    else this.unpause('backpressure');
    if (this.held > share) this.pauseFor('memory');
    else if (this.held <= share * 0.8) this.unpause('memory');
    this.clearTimer();
    const dueAt = this.cutter.dueAt();
    // With a batch in flight, the next cut comes when it is written (see dueNow), not from a timer.
    if (dueAt !== undefined && this.pendingBatches === 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.max(0, dueAt - now));
      this.timer.unref();
    }
  }

  /** Why the buffer should be cut now; timed triggers wait for a batch in flight (see isTimedTrigger). */
  private dueNow(now: number) {
    const due = this.cutter.due(now);
    return due && isTimedTrigger(due) && this.pendingBatches > 0 ? undefined : due;
  }

  /** Batches cut and not yet written (the one being written included). */
  private get pendingBatches(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  private idle(): Promise<void> {
    return this.loop ?? this.predecessor;
  }

  private enqueue(batch: CutBatch<Item>): void {
    if (batch.items.length > 0) this.o.observer.cut?.(this.o.tp, batch.trigger, batch.items.length);
    this.queue.push({ batch, cutAt: this.now(), epoch: this.epoch });
    this.loop ??= this.writeQueued();
  }

  /** Writes the queued batches one after another, in offset order. */
  private async writeQueued(): Promise<void> {
    await this.predecessor;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.writing = true;
      await this.write(next.batch, next.cutAt, next.epoch);
    }
    this.loop = undefined;
  }

  /**
   * The store made only part of a batch durable: the rest, and every batch cut after it, go back to the cutter
   * (in order) to be cut again.
   */
  private putBack(batch: CutBatch<Item>, durableThrough: bigint): void {
    const later = this.queue.splice(0).map((queued) => queued.batch);
    const rest = batch.items.filter((item) => item.offset > durableThrough);
    // The later batches' items were held all along; the rest of this one is held again (see write's finally).
    this.hold(this.memoryOf(rest));
    // Batches are cut in offset order: the last one covers the furthest.
    const coveredThrough = later.at(-1)?.coveredThrough ?? batch.coveredThrough;
    this.cutter.restore({ items: [...rest, ...later.flatMap((b) => b.items)], coveredThrough, trigger: batch.trigger });
  }

  private async write(batch: CutBatch<Item>, cutAt: number, epoch: number): Promise<void> {
    const { tp, store, observer } = this.o;
    const current = () => epoch === this.epoch;
    try {
      // A revoked, stopped, failed or rewound partition writes nothing more of what it cut before: a later batch
      // must never be durable (and committed) while an earlier one is not.
      if (this.closed || this.failed || this.signal.aborted || !current()) return;
      let items = batch.items;
      if (items.length > 0 && store.watermark) {
        const unwritten = this.offsets.unwritten(items, await this.retry('read_progress', () => this.watermark()));
        if (unwritten.skipped > 0) observer.skipped?.(tp, unwritten.skipped);
        items = unwritten.items;
      }
      let through = batch.coveredThrough;
      if (items.length > 0) {
        const durableThrough = await store.write(tp, { ...batch, items }, this.context);
        // Went back meanwhile: its offsets are read again and committed after what comes before them.
        if (!current()) return;
        if (typeof durableThrough === 'bigint' && durableThrough < batch.coveredThrough) {
          through = durableThrough;
          items = items.filter((item) => item.offset <= durableThrough);
          this.putBack(batch, durableThrough);
        }
      }
      this.offsets.durable(through);
      // The commit only saves re-reading: what is durable is skipped when read again. A failed commit (a
      // rebalance) is harmless.
      if (through >= 0n) {
        await this.o.control.commit(through + 1n).catch((error: unknown) => {
          this.o.logger.warn({ ...tp, err: error }, 'offset commit failed; what is written is skipped when read again');
        });
      }
      if (items.length > 0) observer.written?.(tp, items, (this.now() - cutAt) / 1000);
    } catch (error) {
      if (error instanceof RetryStoppedError) return;
      // Not a failure of the store or of Kafka (those are retried): a bug. Stop this partition rather than skip.
      this.failed = true;
      this.pauseFor('retry');
      this.o.logger.error({ ...tp, err: error }, 'partition stopped by an unexpected error');
    } finally {
      this.writing = false;
      this.hold(-this.memoryOf(batch.items));
      this.schedule();
    }
  }

  private retry<T>(operation: string, run: () => Promise<T>, retryable?: (error: unknown) => boolean): Promise<T> {
    return retry(run, {
      backoff: this.o.backoff,
      signal: this.signal,
      retryable,
      onRetry: ({ error, attempt, delayMs }) => {
        this.pauseFor('retry');
        this.o.observer.retried?.(this.o.tp, operation, error);
        this.o.logger.warn({ ...this.o.tp, operation, attempt, retryInMs: delayMs, error: this.describe(error) }, `${operation} failed, retrying`);
      },
      onRecovered: () => this.unpause('retry'),
    });
  }

  private describe(error: unknown): string {
    if (this.o.store.describeError) return this.o.store.describeError(error);
    return error instanceof Error ? (error.message.split('\n')[0]?.slice(0, 200) ?? error.name) : String(error);
  }

  private memoryOf(items: readonly Item[]): number {
    const { store } = this.o;
    if (!store.memoryOf) return 0;
    let bytes = 0;
    for (const item of items) bytes += store.memoryOf(item);
    return bytes;
  }

  private async watermark(): Promise<bigint | undefined> {
    return this.o.store.watermark ? this.o.store.watermark(this.o.tp) : undefined;
  }

  private hold(delta: number): void {
    if (delta === 0) return;
    this.held += delta;
    this.o.budget.changed(delta);
  }

  private pauseFor(reason: PauseReason): void {
    if (this.closed || this.pausedFor.has(reason)) return;
    if (this.pausedFor.size === 0) {
      this.o.control.pause();
      this.o.observer.paused?.(this.o.tp, 1);
    }
    this.pausedFor.add(reason);
  }

  private unpause(reason: PauseReason): void {
    if (!this.pausedFor.delete(reason)) return;
    if (this.pausedFor.size === 0) {
      this.o.control.resume();
      this.o.observer.paused?.(this.o.tp, -1);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
