import type { KafkaMessage } from '@ckt/kafka';
import type { CutBatch, CutTrigger, Cutter } from '@ckt/partitioned-sink';

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

/** Bytes a row adds to an insert body (its line and a newline; lines are ASCII-dominated JSON). */
const rowBytes = (row: Pick<BufferedRow, 'line'>): number => row.line.length + 1;

/**
 * Estimated memory held by a buffered row: its line, the record's key and value (no larger than the line, which
 * spells out every value), and the objects around them (about 330 bytes, measured with the bench's rows).
 */
const ROW_OVERHEAD_BYTES = 330;
export const rowMemory = (row: BufferedRow): number => 2 * row.line.length + ROW_OVERHEAD_BYTES;

/**
 * The cut rules of the sink, for one partition. Cuts never exceed the row and byte limits (a single row larger
 * than maxBytes is cut alone), so an insert body stays bounded. Between size cuts, rows wait for the interval's
 * wall-clock grid, except at the end of a backlog (caught_up).
 */
export class RowCutter implements Cutter<BufferedRow> {
  private rows: BufferedRow[] = [];
  private bytes = 0;
  private coveredThrough: bigint | undefined;
  private firstRowAt: number | undefined;
  /**
   * A backlog is being read: true at assignment and whenever a cut was forced by size (rows, bytes, memory)
   * rather than by time. Merely ending a fetch short of the log end does not count: under steady load every
   * partition does that most of the time, and treating it as a backlog turned each fetch into an insert.
   */
  private behind = true;
  /** Reached the end after being behind: what is buffered goes out without waiting for the interval. */
  private caughtUp = false;

  constructor(private readonly limits: FlushLimits) {}

  get itemCount(): number {
    return this.rows.length;
  }

  get oldestAt(): number | undefined {
    return this.firstRowAt;
  }

  add(rows: readonly BufferedRow[], through: bigint, now: number, atEnd: boolean): void {
    for (const row of rows) {
      this.rows.push(row);
      this.bytes += rowBytes(row);
    }
    if (this.rows.length > 0) this.firstRowAt ??= now;
    if (this.coveredThrough === undefined || through > this.coveredThrough) this.coveredThrough = through;
    // The end of a backlog: no more rows are coming right now, so waiting for the interval would only delay
    // the last ones. A consumer that keeps up stays at the end and batches by the interval as usual.
    if (atEnd && this.behind) {
      this.caughtUp = true;
      this.behind = false;
    }
  }

  due(now: number): CutTrigger | undefined {
    if (this.rows.length >= this.limits.maxRows) return 'rows';
    if (this.bytes >= this.limits.maxBytes) return 'bytes';
    const dueAt = this.dueAt();
    if (dueAt !== undefined && now >= dueAt) return 'interval';
    return this.caughtUp && this.rows.length > 0 ? 'caught_up' : undefined;
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

  hasPending(): boolean {
    return this.rows.length > 0 || this.coveredThrough !== undefined;
  }

  /** Takes the oldest rows up to the limits. The rest stays buffered (and keeps its age: it is due at once). */
  cut(trigger: CutTrigger, now: number): CutBatch<BufferedRow> | undefined {
    if (this.coveredThrough === undefined) return undefined;
    if (trigger === 'rows' || trigger === 'bytes' || trigger === 'memory') this.behind = true;
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
      this.caughtUp = false;
    }
    return { items: rows, coveredThrough, trigger };
  }

  restore(batch: CutBatch<BufferedRow>): void {
    this.rows.unshift(...batch.items);
    for (const row of batch.items) this.bytes += rowBytes(row);
    if (this.coveredThrough === undefined || batch.coveredThrough > this.coveredThrough) this.coveredThrough = batch.coveredThrough;
    if (batch.items.length > 0) this.firstRowAt = 0; // due at once
  }

  clear(): BufferedRow[] {
    const rows = this.rows;
    this.rows = [];
    this.bytes = 0;
    this.coveredThrough = undefined;
    this.firstRowAt = undefined;
    return rows;
  }
}
