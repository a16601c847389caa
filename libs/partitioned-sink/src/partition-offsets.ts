import type { OffsetItem } from './store.ts';

/** The store's watermark is past the partition's end: the topic was re-created and its offsets started over. */
type WatermarkPastEnd = (watermark: bigint, logEnd: bigint) => void;

/**
 * Exactly once in effect, as one state machine over one partition's offsets. Every offset is in one of three
 * ranges, and only the last is written:
 *
 *     0 ......... watermark | .......... handedThrough | ........... logEnd
 *     durable in the store  | buffered or being written | new: write it
 *
 * - durable: at or below the watermark the store recorded (a replay, a restart, another member that owned
 *   the partition before): skipped, before they are even decoded once the watermark is known, and again at
 *   write time against the watermark read then (authoritative: another member may have written meanwhile);
 * - handed over: redelivered after a retried fetch: dropped;
 * - a fetch that starts below everything handed over means the consumer went back (a batch fetched ahead of
 *   the committed position came first, around a rebalance or a restart of the consumer, or the offsets were
 *   reset): the writer starts over from there (`rewound`, `restart`), or those records would be dropped;
 * - a watermark at or past the partition's end does not apply: the topic was re-created (reported once).
 *
 * Written batches advance the watermark, so the range boundaries only move forward within an assignment.
 */
export class PartitionOffsets {
  /** undefined: not read yet; null: the store holds nothing of this partition. */
  private watermark: bigint | null | undefined;
  private handedThrough = -1n;
  /** Lowest offset handed over since the last restart. */
  private handedFrom: bigint | undefined;
  private logEnd: bigint | undefined;
  private reportedPastEnd = false;

  constructor(private readonly onPastEnd: WatermarkPastEnd) {}

  get watermarkKnown(): boolean {
    return this.watermark !== undefined;
  }

  /** The watermark as first read from the store (later reads are for write time: see `unwritten`). */
  learnWatermark(watermark: bigint | undefined): void {
    if (this.watermark === undefined) this.watermark = watermark ?? null;
  }

  /** The partition's end offset at fetch time (the high watermark), when the broker gave one. */
  sawLogEnd(logEnd: bigint | undefined): void {
    if (logEnd !== undefined && (this.logEnd === undefined || logEnd > this.logEnd)) this.logEnd = logEnd;
  }

  /** The records of a fetch in the "new" range, and how many were skipped. */
  unhandled<T extends { offset: string }>(messages: readonly T[]): { fresh: T[]; skipped: number } {
    const floor = this.floor();
    const first = messages[0];
    if (!first || BigInt(first.offset) > floor) return { fresh: [...messages], skipped: 0 };
    const fresh = messages.filter((message) => BigInt(message.offset) > floor);
    return { fresh, skipped: messages.length - fresh.length };
  }

  /** True when a fetch starting at `firstOffset` starts below everything handed over. */
  rewound(firstOffset: bigint): boolean {
    return this.handedFrom !== undefined && firstOffset < this.handedFrom;
  }

  /** Forgets what was handed over (not what is durable): the next fetch is taken whatever its offsets. */
  restart(): void {
    this.handedThrough = -1n;
    this.handedFrom = undefined;
  }

  /** Takes a fetch [from, through] into the handed-over range; false when all of it was handed over already. */
  handOver(from: bigint, through: bigint): boolean {
    if (through <= this.handedThrough) return false;
    this.handedFrom ??= from;
    this.handedThrough = through;
    return true;
  }

  /** At write time: the items past the watermark the store holds now. */
  unwritten<I extends OffsetItem>(items: I[], storeWatermark: bigint | undefined): { items: I[]; skipped: number } {
    const watermark = this.applicable(storeWatermark);
    const first = items[0];
    if (watermark === undefined || !first || first.offset > watermark) return { items, skipped: 0 };
    const kept = items.filter((item) => item.offset > watermark);
    return { items: kept, skipped: items.length - kept.length };
  }

  /** A batch through `through` is durable. */
  durable(through: bigint): void {
    if (this.watermark === undefined || this.watermark === null || through > this.watermark) this.watermark = through;
  }

  private floor(): bigint {
    const watermark = this.watermark === undefined || this.watermark === null ? undefined : this.applicable(this.watermark);
    return watermark !== undefined && watermark > this.handedThrough ? watermark : this.handedThrough;
  }

  private applicable(watermark: bigint | undefined): bigint | undefined {
    if (watermark === undefined || this.logEnd === undefined || watermark < this.logEnd) return watermark;
    if (!this.reportedPastEnd) this.onPastEnd(watermark, this.logEnd);
    this.reportedPastEnd = true;
    return undefined;
  }
}
