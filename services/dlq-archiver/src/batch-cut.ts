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
