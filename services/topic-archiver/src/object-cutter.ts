import type { CutBatch, CutTrigger, Cutter } from '@ckt/partitioned-sink';

/** A consumed record waiting to be written, already encoded as its NDJSON archive line. */
export interface PendingRecord {
  offset: bigint;
  /** `YYYY-MM-DD/HH` of the record timestamp (UTC): an object never mixes two. */
  slot: string;
  /** The archive line with its newline. */
  text: string;
  /** UTF-8 bytes of `text`. */
  bytes: number;
  /** Wall-clock ms when it was consumed (for the age flush only). */
  arrivedAt: number;
  /** Metric label: the dead-letter reason, or none. */
  reason: string;
}

export interface ObjectLimits {
  maxRecords: number;
  maxBytes: number;
}

/**
 * How many records at the front of `pending` make a complete object, or 0 while that object may still grow.
 *
 * The cut depends only on the records themselves (count, NDJSON bytes, a change of UTC hour), so whoever
 * re-reads a partition from an object's start offset cuts the same object. `adoptedEnd` overrides the rules:
 * it is the last offset of an object already stored under this start offset by an earlier attempt (possibly
 * cut by age or by other limits), and the rewrite must end exactly there.
 */
export function completeObjectLength(pending: readonly PendingRecord[], limits: ObjectLimits, adoptedEnd?: bigint): number {
  const first = pending[0];
  if (!first) return 0;
  if (adoptedEnd !== undefined && adoptedEnd >= first.offset) {
    const inside = pending.findIndex((r) => r.offset > adoptedEnd);
    if (inside >= 0) return inside;
    return pending.at(-1)?.offset === adoptedEnd ? pending.length : 0;
  }
  let bytes = 0;
  for (let i = 0; i < pending.length; i++) {
    const record = pending[i] as PendingRecord;
    if (record.slot !== first.slot) return i;
    if (i > 0 && bytes + record.bytes > limits.maxBytes) return i;
    bytes += record.bytes;
    if (i + 1 >= limits.maxRecords || bytes >= limits.maxBytes) return i + 1;
  }
  return 0;
}

/**
 * The archive's cut rules for one partition: objects close by the content rules above; a partly filled object
 * closes once its oldest record is `maxAgeMs` old, or at a drain. A boundary adopted from an object an earlier
 * attempt stored holds the cut until the records up to its end are buffered, whatever their age.
 */
export class ObjectCutter implements Cutter<PendingRecord> {
  private pending: PendingRecord[] = [];
  private adoptedEnd: bigint | undefined;

  constructor(
    private readonly limits: ObjectLimits,
    private readonly maxAgeMs: number,
  ) {}

  get itemCount(): number {
    return this.pending.length;
  }

  get oldestAt(): number | undefined {
    return this.pending[0]?.arrivedAt;
  }

  /** The object starting at the next record was stored by an earlier attempt and ends at `endOffset`. */
  adopt(endOffset: bigint): void {
    this.adoptedEnd = endOffset;
  }

  add(records: readonly PendingRecord[]): void {
    for (const record of records) this.pending.push(record);
  }

  due(now: number): CutTrigger | undefined {
    if (completeObjectLength(this.pending, this.limits, this.adoptedEnd) > 0) return 'boundary';
    const dueAt = this.dueAt();
    return dueAt !== undefined && now >= dueAt ? 'interval' : undefined;
  }

  dueAt(): number | undefined {
    const oldest = this.oldestAt;
    return oldest === undefined || this.adoptedEnd !== undefined ? undefined : oldest + this.maxAgeMs;
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  cut(trigger: CutTrigger): CutBatch<PendingRecord> | undefined {
    let length = completeObjectLength(this.pending, this.limits, this.adoptedEnd);
    // Cut short by age or a drain: all the records wait for (one hour slot, since no boundary was found).
    if (length === 0 && this.adoptedEnd === undefined && trigger !== 'boundary') length = this.pending.length;
    if (length === 0) return undefined;
    const items = this.pending.splice(0, length);
    this.adoptedEnd = undefined;
    return { items, coveredThrough: (items.at(-1) as PendingRecord).offset, trigger };
  }

  restore(batch: CutBatch<PendingRecord>): void {
    this.pending.unshift(...batch.items);
  }

  clear(): PendingRecord[] {
    const pending = this.pending;
    this.pending = [];
    this.adoptedEnd = undefined;
    return pending;
  }
}
