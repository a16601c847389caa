import type { KafkaMessage } from '@ckt/kafka';
import type { Cutter, CutBatch, CutTrigger } from './cutter.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** An item of a partition's buffer: at least its offset. */
export interface OffsetItem {
  offset: bigint;
}

/** What a store's write gets from the runtime. */
export interface WriteContext {
  /**
   * Runs `run` under the runtime's retry policy: backoff with jitter, the partition paused while it fails,
   * stopped (RetryStoppedError) on revoke or shutdown. `retryable` false rethrows at once. `operation` names it
   * in logs and metrics.
   */
  retry<T>(operation: string, run: () => Promise<T>, retryable?: (error: unknown) => boolean): Promise<T>;
  signal: AbortSignal;
}

/**
 * An external store a partitioned sink writes to (ClickHouse, an object store). The runtime owns buffering,
 * cuts, ordering, retries, pausing and commits; the store turns records into items and makes batches durable.
 */
export interface SinkStore<Item extends OffsetItem> {
  /**
   * Turns fetched records (those not written yet, in offset order) into items. Records that cannot become
   * items are the store's to dead-letter. Throwing has the consumer fetch the batch again.
   */
  prepare(tp: TopicPartition, messages: KafkaMessage[]): Promise<Item[]>;
  /** The cut rules of a partition (one per assignment of it). */
  cutter(tp: TopicPartition): Cutter<Item>;
  /**
   * The last offset of the partition durable in the store (undefined: none), if the store records one: records
   * at or below it are skipped, so a replay or a restart writes nothing twice.
   */
  watermark?(tp: TopicPartition): Promise<bigint | undefined>;
  /**
   * Makes a batch durable, using `ctx.retry` for what may fail transiently. Resolves with the last offset made
   * durable when that is short of the batch (the rest is cut again), or nothing when all of it is.
   */
  write(tp: TopicPartition, batch: CutBatch<Item>, ctx: WriteContext): Promise<bigint | void>;
  /** Log text of a failure that quotes no record values (default: the first line of its message). */
  describeError?(error: unknown): string;
  /** Estimated memory an item holds while buffered (for the sink-wide budget). */
  memoryOf?(item: Item): number;
  /** The assignment changed: what the store cached about partitions may no longer hold. */
  assigned?(partitions: TopicPartition[]): void;
}

/** What the runtime reports, for metrics. Every method is optional. */
export interface SinkObserver<Item = unknown> {
  consumed?(tp: TopicPartition, records: number): void;
  cut?(tp: TopicPartition, trigger: CutTrigger, items: number): void;
  /** Records or items skipped because the store already holds them. */
  skipped?(tp: TopicPartition, count: number): void;
  /** A batch was made durable and committed, `seconds` after it was cut. */
  written?(tp: TopicPartition, items: readonly Item[], seconds: number): void;
  retried?(tp: TopicPartition, operation: string, error: unknown): void;
  paused?(tp: TopicPartition, delta: 1 | -1): void;
  bufferedBytes?(total: number): void;
}

