import type { KafkaMessage } from '@ckt/kafka';

/** What a dead letter needs of a record (a Kafka message has more). */
export type RecordSource = Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>;

/** One decoded record waiting for its insert. */
export interface BufferedRow {
  offset: bigint;
  /** The row serialized for the insert body (one JSONCompactEachRow line). */
  line: string;
  /** Event time of the row (its version column), for the freshness metric. */
  versionMs: number | undefined;
  /** The record's Kafka timestamp: when the bridge received the event (kept by router and extractor). */
  ingestMs: number;
  /** The record as received: what goes to the dead-letter topic if the warehouse rejects the row. */
  message: RecordSource;
}

export interface FlushLimits {
  maxRows: number;
  maxBytes: number;
  maxAgeMs: number;
}

export type FlushTrigger = 'rows' | 'bytes' | 'interval' | 'caught_up' | 'memory' | 'drain';

/** Rows cut from a buffer for one flush: a contiguous run of one partition's offsets. */
export interface CutBatch {
  rows: BufferedRow[];
  bytes: number;
  /**
   * Every offset up to here is in this batch, in an earlier one, or was dead-lettered before buffering: the
   * offset to commit (plus one) once the batch is durable. May be past the last row.
   */
  coveredThrough: bigint;
  trigger: FlushTrigger;
}

/** Bytes a row adds to an insert body (its line and a newline; lines are ASCII-dominated JSON). */
export const rowBytes = (row: Pick<BufferedRow, 'line'>): number => row.line.length + 1;

/**
 * Estimated memory held by a buffered row: its line, the record's key and value (no larger than the line, which
 * spells out every value), and the objects around them (about 330 bytes, measured with the bench's rows).
 */
export const ROW_OVERHEAD_BYTES = 330;
export const rowMemory = (row: BufferedRow): number => 2 * row.line.length + ROW_OVERHEAD_BYTES;
export const rowsMemory = (rows: readonly BufferedRow[]): number => rows.reduce((sum, row) => sum + rowMemory(row), 0);

/**
 * The rows of one partition between flushes. Cuts never exceed the row and byte limits (a single row larger
 * than maxBytes is cut alone), so an insert body stays bounded.
 */
export class PartitionBuffer {
  private rows: BufferedRow[] = [];
  private bytes = 0;
  private coveredThrough: bigint | undefined;
  private firstRowAt: number | undefined;

  constructor(private readonly limits: FlushLimits) {}

  get rowCount(): number {
    return this.rows.length;
  }

  get byteCount(): number {
    return this.bytes;
  }

  /** The last offset handed over (rows or not), if any. */
  get covered(): bigint | undefined {
    return this.coveredThrough;
  }

  /** Adds rows in offset order; `through` is the last offset of the Kafka batch they came from. */
  add(rows: readonly BufferedRow[], through: bigint, now: number): void {
    for (const row of rows) {
      this.rows.push(row);
      this.bytes += rowBytes(row);
    }
    if (this.rows.length > 0) this.firstRowAt ??= now;
    if (this.coveredThrough === undefined || through > this.coveredThrough) this.coveredThrough = through;
  }

  /** Why the buffer should be flushed now, or undefined. */
  due(now: number): FlushTrigger | undefined {
    if (this.rows.length >= this.limits.maxRows) return 'rows';
    if (this.bytes >= this.limits.maxBytes) return 'bytes';
    const dueAt = this.dueAt();
    if (dueAt !== undefined && now >= dueAt) return 'interval';
    return undefined;
  }

  /**
   * When the interval trigger fires, if rows are waiting: the first tick of the interval's wall-clock grid
   * after the first row. No row waits longer than the interval, and every partition (of every sink process)
   * flushes on the same ticks, so their inserts and progress rows can share round trips.
   */
  dueAt(): number | undefined {
    if (this.firstRowAt === undefined) return undefined;
    const interval = this.limits.maxAgeMs;
    return (Math.floor(this.firstRowAt / interval) + 1) * interval;
  }

  /** True when offsets were handed over since the last cut (with or without rows). */
  hasPending(): boolean {
    return this.rows.length > 0 || this.coveredThrough !== undefined;
  }

  /**
   * Takes the oldest rows up to the limits. The rest stays buffered (and keeps its age: it is due at once).
   * Returns undefined when nothing was handed over since the last cut.
   */
  cut(trigger: FlushTrigger, now: number): CutBatch | undefined {
    if (this.coveredThrough === undefined) return undefined;
    let count = 0;
    let bytes = 0;
    while (count < this.rows.length && count < this.limits.maxRows) {
      const size = rowBytes(this.rows[count] as BufferedRow);
      if (count > 0 && bytes + size > this.limits.maxBytes) break;
      bytes += size;
      count++;
    }
    const rows = this.rows.splice(0, count);
    this.bytes -= bytes;
    let coveredThrough: bigint;
    if (this.rows.length > 0) {
      // Rows remain: this cut covers offsets up to its last row only.
      coveredThrough = (rows.at(-1) as BufferedRow).offset;
      this.firstRowAt = Math.min(this.firstRowAt ?? now, now - this.limits.maxAgeMs);
    } else {
      coveredThrough = this.coveredThrough;
      this.coveredThrough = undefined;
      this.firstRowAt = undefined;
    }
    return { rows, bytes, coveredThrough, trigger };
  }

  /** Forgets everything (the partition was revoked: its records will be read again by the next owner). */
  clear(): BufferedRow[] {
    const rows = this.rows;
    this.rows = [];
    this.bytes = 0;
    this.coveredThrough = undefined;
    this.firstRowAt = undefined;
    return rows;
  }
}
