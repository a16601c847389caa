import type { Logger } from '@ckt/logging';
import { retry, RetryStoppedError, type BackoffOptions, type RetryPolicy } from '@ckt/resilience';
import type { WarehouseErrorKind } from '@ckt/warehouse';
import { writeRows, type RejectedRow } from './batch-writer.ts';
import { PartitionBuffer, rowsMemory, type BufferedRow, type CutBatch, type FlushLimits, type FlushTrigger } from './partition-buffer.ts';

/** What the partition sink needs from the outside world (warehouse, Kafka, metrics), per partition. */
export interface PartitionSinkDeps {
  topic: string;
  partition: number;
  limits: FlushLimits;
  backoff: BackoffOptions;
  /**
   * This partition's share of the memory budget (bytes, estimated): above it the buffer is flushed at once,
   * and if batches are already waiting the partition is paused until they are written.
   */
  memoryShare(): number;
  /** Reports changes of the memory this partition holds (for the sink-wide gauge). */
  memoryChanged(delta: number): void;
  logger: Logger;
  /** Aborted when the sink stops. */
  signal: AbortSignal;
  /** One insert statement for rows of this partition (token, settings and metrics are the caller's). */
  insert(rows: BufferedRow[]): Promise<void>;
  classify(error: unknown): WarehouseErrorKind;
  /** Last offset of this partition known to be written (dwh.sink_progress_v2), undefined if none. */
  loadWatermark(): Promise<bigint | undefined>;
  recordProgress(progress: { firstOffset: bigint; lastOffset: bigint; rows: number }): Promise<void>;
  deadLetter(rejected: RejectedRow[]): Promise<void>;
  /** Commits `offset` (the next offset to read) for this partition. */
  commit(offset: bigint): Promise<void>;
  pause(): void;
  resume(): void;
  /** Metrics hooks. */
  observe: {
    flushed(trigger: FlushTrigger, rows: number): void;
    written(rows: BufferedRow[], flushSeconds: number): void;
    skipped(count: number): void;
    deadLettered(count: number): void;
    retried(operation: string, error: unknown): void;
    paused(delta: 1 | -1): void;
  };
  now?: () => number;
}

type PauseReason = 'backpressure' | 'retry' | 'memory';

/** Cut batches waiting or being written per partition before the partition is paused. */
const MAX_PENDING_BATCHES = 2;

/**
 * The sink for one topic partition. Records are handed over quickly (the consumer keeps fetching other
 * partitions); batches are cut at N rows, B bytes or T ms and written one after another, in offset order,
 * each by one insert (or several when rows must be isolated). After a batch is written — rows inserted,
 * rejected rows dead-lettered, progress recorded — its offsets are committed. A failing warehouse pauses only
 * this partition while the batch is retried; other partitions and tables keep flowing.
 *
 * Exactly once in effect: rows at or below the partition's watermark (dwh.sink_progress_v2) are skipped, so a
 * replay or a restart never writes a row twice; a retried insert carries the same dedup token, so a retry
 * after an ambiguous failure (e.g. timeout after the server stored it) is dropped by ClickHouse.
 */
export class PartitionSink {
  private readonly buffer: PartitionBuffer;
  private readonly now: () => number;
  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private chain: Promise<void> = Promise.resolve();
  private pendingBatches = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pausedFor = new Set<PauseReason>();
  /** Highest offset handed over; redelivered records at or below it (after a rebalance) are dropped. */
  private handedThrough = -1n;
  /** Watermark as loaded or advanced by our own writes (null = nothing written yet); drops written rows early. */
  private knownWatermark: bigint | null | undefined;
  private warnedTopicReset = false;
  private logEnd: bigint | undefined;
  private closed = false;
  private failed = false;
  /** Estimated bytes of rows buffered or being written by this partition. */
  private held = 0;
  /**
   * A backlog is being read: true at assignment and whenever a cut was forced by size (rows, bytes, memory)
   * rather than by time. Merely ending a fetch short of the log end does not count: under steady load every
   * partition does that most of the time, and treating it as a backlog turned each fetch into an insert.
   */
  private behind = true;
  /** Reached the end after being behind: what is buffered goes out without waiting for the interval. */
  private caughtUp = false;

  constructor(private readonly deps: PartitionSinkDeps) {
    this.buffer = new PartitionBuffer(deps.limits);
    this.now = deps.now ?? Date.now;
    this.signal = AbortSignal.any([deps.signal, this.controller.signal]);
  }

  /** False once an unexpected error stopped this partition (it stays paused; see the logs). */
  get healthy(): boolean {
    return !this.failed;
  }

  /**
   * Resolves once the partition's watermark is known (read once per assignment, shared by the topic's
   * partitions); rejects when the warehouse cannot be read (the flush path then reads it, with retries).
   */
  async ready(): Promise<void> {
    if (this.knownWatermark !== undefined) return;
    const watermark = await this.deps.loadWatermark();
    if (this.knownWatermark === undefined) this.knownWatermark = watermark ?? null;
  }

  /**
   * The records of a fetched batch not handled yet: past the partition's watermark (already written: replay,
   * restart) and past what this sink already holds (redelivery after a rebalance). Call after `ready()`.
   */
  unhandled<T extends { offset: string }>(messages: readonly T[], highWatermark: bigint | undefined): T[] {
    if (highWatermark !== undefined && (this.logEnd === undefined || highWatermark > this.logEnd)) this.logEnd = highWatermark;
    const floor = this.floor();
    const first = messages[0];
    if (!first || BigInt(first.offset) > floor) return [...messages];
    const fresh = messages.filter((message) => BigInt(message.offset) > floor);
    this.deps.observe.skipped(messages.length - fresh.length);
    return fresh;
  }

  private floor(): bigint {
    const watermark = this.knownWatermark === undefined || this.knownWatermark === null ? undefined : this.usableWatermark(this.knownWatermark);
    return watermark !== undefined && watermark > this.handedThrough ? watermark : this.handedThrough;
  }

  /**
   * Hands over the decoded rows of one fetched Kafka batch (in offset order). `through` is the batch's last
   * offset, `highWatermark` the partition's end offset at fetch time.
   */
  accept(rows: BufferedRow[], through: bigint, highWatermark: bigint | undefined): void {
    if (this.closed) return;
    if (highWatermark !== undefined && (this.logEnd === undefined || highWatermark > this.logEnd)) this.logEnd = highWatermark;
    const floor = this.floor();
    let fresh = rows;
    if (rows.length > 0 && (rows[0] as BufferedRow).offset <= floor) {
      fresh = rows.filter((row) => row.offset > floor);
      this.deps.observe.skipped(rows.length - fresh.length);
    }
    if (through <= this.handedThrough) return;
    this.handedThrough = through;
    // The end of a backlog: no more rows are coming right now, so waiting for the interval would only delay
    // the last ones. A consumer that keeps up stays at the end and batches by the interval as usual.
    const atEnd = highWatermark !== undefined && through + 1n >= highWatermark;
    if (atEnd && this.behind) {
      this.caughtUp = true;
      this.behind = false;
    }
    this.buffer.add(fresh, through, this.now());
    this.hold(rowsMemory(fresh));
    this.schedule();
  }

  /** Cuts whatever is buffered and waits until every batch is written and committed. */
  async drain(): Promise<void> {
    this.clearTimer();
    while (!this.closed && this.buffer.hasPending()) this.enqueue(this.buffer.cut('drain', this.now()));
    await this.chain;
  }

  /**
   * The partition is no longer ours (rebalance): drop its buffer (the next owner reads those records again)
   * and stop the batch being written at its next retry. Resumes it so a later re-assignment starts unpaused.
   */
  revoke(): void {
    this.close();
    this.controller.abort();
  }

  /** Stops timers and forgets the buffer; the pending chain settles on its own. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.hold(-rowsMemory(this.buffer.clear()));
    for (const reason of [...this.pausedFor]) this.unpause(reason);
  }

  private hold(delta: number): void {
    this.held += delta;
    this.deps.memoryChanged(delta);
  }

  /**
   * Cuts batches that are due (rows, bytes, interval, or over this partition's memory share) while fewer than
   * MAX_PENDING_BATCHES are waiting; pauses the partition when it cannot cut (backpressure) or holds more than
   * its share, and resumes it when that clears.
   */
  private schedule(): void {
    if (this.closed) return;
    const now = this.now();
    const share = this.deps.memoryShare();
    for (;;) {
      if (this.pendingBatches >= MAX_PENDING_BATCHES) break;
      let trigger = this.dueNow(now) ?? (this.held > share && this.buffer.rowCount > 0 ? 'memory' : undefined);
      // Records that produced no row (dead-lettered, already written) still have offsets to commit.
      if (!trigger && this.buffer.rowCount === 0 && this.buffer.hasPending() && this.pendingBatches === 0) trigger = 'interval';
      if (!trigger) break;
      if (trigger === 'rows' || trigger === 'bytes' || trigger === 'memory') this.behind = true;
      this.enqueue(this.buffer.cut(trigger, now));
      if (!this.buffer.hasPending()) this.caughtUp = false;
    }
    if (this.dueNow(now) && this.pendingBatches >= MAX_PENDING_BATCHES) this.pauseFor('backpressure');
    else this.unpause('backpressure');
    if (this.held > share) this.pauseFor('memory');
    else if (this.held <= share * 0.8) this.unpause('memory');
    this.clearTimer();
    const dueAt = this.buffer.dueAt();
    // With a batch in flight, the next cut comes when it is written (see dueNow), not from a timer.
    if (dueAt !== undefined && this.pendingBatches === 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.max(0, dueAt - now));
      this.timer.unref();
    }
  }

  /**
   * Why the buffer should be cut now (caught_up: see accept). The interval bounds how long rows wait; while a
   * batch of this partition is being written they could not be written sooner anyway, so they wait for it and
   * go out as one larger insert (the slower the warehouse, the larger the inserts, up to the row, byte and
   * memory limits).
   */
  private dueNow(now: number): FlushTrigger | undefined {
    const due = this.buffer.due(now) ?? (this.caughtUp && this.buffer.rowCount > 0 ? 'caught_up' : undefined);
    return (due === 'interval' || due === 'caught_up') && this.pendingBatches > 0 ? undefined : due;
  }

  private enqueue(batch: CutBatch | undefined): void {
    if (!batch) return;
    this.pendingBatches++;
    if (batch.rows.length > 0) this.deps.observe.flushed(batch.trigger, batch.rows.length);
    this.chain = this.chain.then(() => this.write(batch));
  }

  private async write(batch: CutBatch): Promise<void> {
    const started = this.now();
    try {
      // A revoked, stopped or failed partition writes nothing more: a later batch must never be recorded
      // as written while an earlier one is not.
      if (this.closed || this.failed || this.signal.aborted) return;
      let rows = batch.rows;
      let written: BufferedRow[] = [];
      if (rows.length > 0) {
        const watermark = this.usableWatermark(await this.retry('read_progress', () => this.deps.loadWatermark()));
        if (watermark !== undefined && (rows[0] as BufferedRow).offset <= watermark) {
          const before = rows.length;
          rows = rows.filter((row) => row.offset > watermark);
          this.deps.observe.skipped(before - rows.length);
        }
      }
      if (rows.length > 0) {
        const rejected = await writeRows(rows, {
          insert: (slice) => this.deps.insert(slice),
          classify: this.deps.classify,
          retry: this.retryHooks('insert'),
        });
        if (rejected.length > 0) {
          await this.retry('dead_letter', () => this.deps.deadLetter(rejected));
          this.deps.observe.deadLettered(rejected.length);
          this.deps.logger.warn(
            { topic: this.deps.topic, partition: this.deps.partition, offsets: rejected.map((r) => r.row.message.offset), rejected: rejected.length },
            'rows rejected by the warehouse were dead-lettered',
          );
        }
        const rejectedSet = new Set(rejected.map((r) => r.row));
        written = rejected.length === 0 ? rows : rows.filter((row) => !rejectedSet.has(row));
        await this.retry('record_progress', () =>
          this.deps.recordProgress({ firstOffset: (rows[0] as BufferedRow).offset, lastOffset: batch.coveredThrough, rows: written.length }),
        );
        if (this.knownWatermark === undefined || this.knownWatermark === null || batch.coveredThrough > this.knownWatermark) {
          this.knownWatermark = batch.coveredThrough;
        }
      }
      // The commit only saves re-reading: progress is already recorded. A failed commit (rebalance) is harmless.
      await this.deps.commit(batch.coveredThrough + 1n).catch((error: unknown) => {
        this.deps.logger.warn({ topic: this.deps.topic, partition: this.deps.partition, err: error }, 'offset commit failed; progress is recorded in the warehouse');
      });
      if (rows.length > 0) this.deps.observe.written(written, (this.now() - started) / 1000);
    } catch (error) {
      if (error instanceof RetryStoppedError) return;
      // Not a warehouse or Kafka failure (those are retried): a bug. Stop this partition rather than skip.
      this.failed = true;
      this.pauseFor('retry');
      this.deps.logger.error({ topic: this.deps.topic, partition: this.deps.partition, err: error }, 'partition stopped by an unexpected error');
    } finally {
      this.pendingBatches--;
      this.hold(-rowsMemory(batch.rows));
      this.schedule();
    }
  }

  /** A watermark past the partition's end means the topic was re-created: it does not apply. */
  private usableWatermark(watermark: bigint | undefined): bigint | undefined {
    if (watermark === undefined || this.logEnd === undefined || watermark < this.logEnd) return watermark;
    if (this.warnedTopicReset) return undefined;
    this.warnedTopicReset = true;
    this.deps.logger.error(
      { topic: this.deps.topic, partition: this.deps.partition, watermark: String(watermark), logEnd: String(this.logEnd) },
      'recorded progress is past the end of the partition (topic re-created?); ignoring it — delete the topic rows from dwh.sink_progress',
    );
    return undefined;
  }

  private retry<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return retry(run, this.retryHooks(operation));
  }

  private retryHooks(operation: string): RetryPolicy {
    return {
      backoff: this.deps.backoff,
      signal: this.signal,
      onRetry: ({ error, attempt, delayMs }) => {
        this.pauseFor('retry');
        this.deps.observe.retried(operation, error);
        this.deps.logger.warn(
          { topic: this.deps.topic, partition: this.deps.partition, operation, attempt, retryInMs: delayMs, error: describe(error) },
          'warehouse operation failed, retrying',
        );
      },
      onRecovered: () => this.unpause('retry'),
    };
  }

  private pauseFor(reason: PauseReason): void {
    if (this.closed || this.pausedFor.has(reason)) return;
    if (this.pausedFor.size === 0) {
      this.deps.pause();
      this.deps.observe.paused(1);
    }
    this.pausedFor.add(reason);
  }

  private unpause(reason: PauseReason): void {
    if (!this.pausedFor.delete(reason)) return;
    if (this.pausedFor.size === 0) {
      this.deps.resume();
      this.deps.observe.paused(-1);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Log text of a failure without values: ClickHouse quotes input in its messages, so only code/type/column. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown; type?: unknown } | null)?.code;
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof code === 'string' && /^\d+$/.test(code)) return `ClickHouse error ${code}${typeof type === 'string' ? ` ${type}` : ''}`;
  return error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) ?? error.name : String(error);
}
