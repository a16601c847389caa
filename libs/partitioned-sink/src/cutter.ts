/** Why a partition's buffer was cut into a batch. */
export type CutTrigger = 'rows' | 'bytes' | 'boundary' | 'interval' | 'caught_up' | 'memory' | 'drain';

/**
 * Triggers that only bound how long items wait. While a batch of the partition is being written its successor
 * could not be written sooner anyway, so these wait for it and go out as one larger batch.
 */
export const isTimedTrigger = (trigger: CutTrigger): boolean => trigger === 'interval' || trigger === 'caught_up';

/** A contiguous run of one partition's offsets, written as one unit. */
export interface CutBatch<Item> {
  items: Item[];
  /**
   * Every offset up to here is in this batch or an earlier one, or produced no item: the offset to commit
   * (plus one) once the batch is durable. May be past the last item.
   */
  coveredThrough: bigint;
  trigger: CutTrigger;
}

/** The cut rules of one partition: what is buffered, and when and where it is cut. The store supplies them. */
export interface Cutter<Item> {
  readonly itemCount: number;
  /** Wall-clock ms when the oldest buffered item arrived; undefined when none is buffered. */
  readonly oldestAt: number | undefined;
  /**
   * Adds the items of one fetch in offset order. `through` is the fetch's last offset; `atEnd` says it reached
   * the partition's end (a backlog was read to the end).
   */
  add(items: readonly Item[], through: bigint, now: number, atEnd: boolean): void;
  /** Why the buffer should be cut now, or undefined. */
  due(now: number): CutTrigger | undefined;
  /** When a timed trigger will fire, if items wait. */
  dueAt(): number | undefined;
  /** True when offsets were added since the last cut (with or without items). */
  hasPending(): boolean;
  /** Takes the next batch, or undefined when nothing may be cut now. */
  cut(trigger: CutTrigger, now: number): CutBatch<Item> | undefined;
  /** Puts back the part of a batch a store did not make durable (it is cut again, first). */
  restore(batch: CutBatch<Item>): void;
  /** Forgets everything (the partition was revoked); returns what was buffered. */
  clear(): Item[];
}
