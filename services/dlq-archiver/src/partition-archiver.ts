import type { Logger } from '@ckt/logging';
import {
  decodeArchiveObject,
  gzipDeterministicAsync,
  hourSlotOfIso,
  ObjectConflictError,
  objectKey,
  OBJECT_CONTENT_TYPE,
  serialiseLine,
  toArchiveLine,
  type ObjectStore,
  type SourceRecord,
} from '@ckt/archive';
import { completeObjectLength, type ObjectLimits, type PendingRecord } from './batch-cut.ts';
import { reasonLabel, type ArchiveMetrics } from './archive-metrics.ts';

export interface StoredObject {
  key: string;
  startOffset: string;
  endOffset: string;
  records: number;
  bytes: number;
}

export interface PartitionArchiverOptions {
  topic: string;
  partition: number;
  /** Kafka's id of the topic incarnation ('' if none): part of every key, so a re-created topic's objects are new. */
  topicId: () => Promise<string>;
  store: ObjectStore;
  limits: ObjectLimits;
  /** Commits `offset` (the next offset to read) for this partition; called only after the object is stored. */
  commit(offset: string): Promise<void>;
  logger: Logger;
  metrics?: ArchiveMetrics;
  now?: () => number;
  /** Test seam: runs after an object is stored and before its offsets are committed. */
  afterStore?: (object: StoredObject, signal?: AbortSignal) => Promise<void>;
  /** Work of a previous archiver of this partition that must finish before this one touches the store. */
  after?: Promise<unknown>;
}

/**
 * Turns one partition's records into archive objects: upload, then commit. Before each object it looks for one
 * an earlier attempt stored under the same start offset (a crash between upload and commit, a rebalance, a
 * replay of the group) and, if there is one, cuts at the same end offset: same records, deterministic gzip, the
 * same bytes, so the write-once store takes it as a retry. Calls are serialised per partition.
 */
export class PartitionArchiver {
  readonly topic: string;
  readonly partition: number;
  private readonly o: PartitionArchiverOptions;
  private readonly now: () => number;
  private pending: PendingRecord[] = [];
  /** Lowest offset this archiver has taken: a redelivery below it means the consumer rewound (reset). */
  private firstOffset: bigint | undefined;
  private nextOffset: bigint | undefined;
  private uncommitted: bigint | undefined;
  private lookForStored = true;
  private adoptedEnd: bigint | undefined;
  /** Start offset of the last object whose key held other bytes. */
  private conflictAt: bigint | undefined;
  private chain: Promise<unknown>;
  private closed = false;

  constructor(options: PartitionArchiverOptions) {
    this.o = options;
    this.topic = options.topic;
    this.partition = options.partition;
    this.now = options.now ?? Date.now;
    this.chain = (options.after ?? Promise.resolve()).catch(() => undefined);
  }

  /** Records buffered for the object being filled. */
  get buffered(): number {
    return this.pending.length;
  }

  /** How long the oldest buffered record has waited, in ms (0 when nothing is buffered). */
  oldestAgeMs(now = this.now()): number {
    const first = this.pending[0];
    return first ? Math.max(0, now - first.arrivedAt) : 0;
  }

  /**
   * Takes a fetched batch (in offset order) and stores every object it completes. Throws when the store or
   * the commit fails; the records stay buffered, and calling again with the same batch carries on.
   */
  add(records: readonly SourceRecord[], signal?: AbortSignal): Promise<void> {
    return this.serialised(async () => {
      await this.commitStored();
      for (const record of records) this.accept(record);
      await this.storeComplete(signal);
    });
  }

  /** Stores the object being filled when its oldest record is at least `maxAgeMs` old. Resolves whether it did. */
  flushIfOlderThan(maxAgeMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.serialised(async () => {
      if (this.pending.length === 0 || this.oldestAgeMs() < maxAgeMs) return false;
      await this.commitStored();
      await this.storeComplete(signal);
      // An adopted boundary is waiting for records up to its end: the age rule must not cut it shorter.
      if (this.pending.length === 0 || this.adoptedEnd !== undefined) return false;
      await this.store(this.pending.length, signal);
      return true;
    }, () => false);
  }

  /** Stops taking work (the partition was revoked); resolves when work in flight has finished. */
  close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    return this.chain.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Runs after the previous call finished; a closed archiver refuses work (or answers `whenClosed`). */
  private serialised<T>(work: () => Promise<T>, whenClosed?: () => T): Promise<T> {
    const run = this.chain.then(() => {
      if (!this.closed) return work();
      if (whenClosed) return whenClosed();
      throw new Error(`archiver of ${this.topic}/${this.partition} is closed (partition revoked)`);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private accept(record: SourceRecord): void {
    const offset = BigInt(record.offset);
    if (this.firstOffset === undefined || offset < this.firstOffset) this.restartAt(offset);
    if (this.nextOffset !== undefined && offset < this.nextOffset) return; // redelivered: already buffered or stored
    const line = toArchiveLine(this.topic, this.partition, record);
    const text = serialiseLine(line);
    const slot = hourSlotOfIso(line.timestamp);
    this.pending.push({
      offset,
      slot: `${slot.date}/${slot.hour}`,
      text,
      bytes: Buffer.byteLength(text),
      arrivedAt: this.now(),
      reason: reasonLabel(record.headers),
    });
    this.nextOffset = offset + 1n;
  }

  /** The consumer went back before anything this archiver saw (first batch, or offsets were reset). */
  private restartAt(offset: bigint): void {
    if (this.firstOffset !== undefined) {
      this.o.logger.warn({ topic: this.topic, partition: this.partition, offset: String(offset) }, 'consumer rewound; starting over from the committed offset');
    }
    this.firstOffset = offset;
    this.nextOffset = undefined;
    this.pending = [];
    this.uncommitted = undefined;
    this.lookForStored = true;
    this.adoptedEnd = undefined;
  }

  private async keyOf(record: PendingRecord): Promise<string> {
    const [date = '', hour = ''] = record.slot.split('/');
    const topicId = await this.o.topicId();
    return objectKey({ topic: this.topic, partition: this.partition, startOffset: record.offset.toString(), date, hour, ...(topicId ? { topicId } : {}) });
  }

  private async storeComplete(signal?: AbortSignal): Promise<void> {
    for (;;) {
      // Stopping: leave the rest buffered and uncommitted (throwing, so the runner does not resolve the batch).
      if (signal?.aborted) throw new Error('archiver stopping');
      if (this.lookForStored && this.pending.length > 0) {
        try {
          await this.adoptStoredBoundary();
        } catch (error) {
          this.o.metrics?.uploadFailures.inc({ topic: this.topic });
          throw error;
        }
      }
      const length = completeObjectLength(this.pending, this.o.limits, this.adoptedEnd);
      if (length === 0) return;
      await this.store(length, signal);
    }
  }

  /** Finds an object an earlier attempt stored under the next start offset, and keeps its end offset. */
  private async adoptStoredBoundary(): Promise<void> {
    const first = this.pending[0] as PendingRecord;
    const key = await this.keyOf(first);
    const body = await this.o.store.get(key);
    this.lookForStored = false;
    if (!body) return;
    let endOffset: string | undefined;
    try {
      endOffset = decodeArchiveObject(body).at(-1)?.offset;
    } catch (error) {
      this.o.logger.warn({ key, err: error }, 'stored object is unreadable; it will be replaced');
      return;
    }
    if (endOffset === undefined || BigInt(endOffset) < first.offset) return;
    this.adoptedEnd = BigInt(endOffset);
    this.o.metrics?.adopted.inc({ topic: this.topic });
    this.o.logger.info({ key, endOffset }, 'object already stored by an earlier attempt; rewriting it with the same end offset');
  }

  private async store(length: number, signal?: AbortSignal): Promise<void> {
    const records = this.pending.slice(0, length);
    const first = records[0] as PendingRecord;
    const last = records.at(-1) as PendingRecord;
    const key = await this.keyOf(first);
    const body = await gzipDeterministicAsync(Buffer.from(records.map((r) => r.text).join(''), 'utf8'));
    const timer = this.o.metrics?.uploadSeconds.startTimer({ topic: this.topic });
    try {
      await this.o.store.put(key, body, { contentType: OBJECT_CONTENT_TYPE, signal });
    } catch (error) {
      if (error instanceof ObjectConflictError) this.conflicted(key, first.offset);
      this.o.metrics?.uploadFailures.inc({ topic: this.topic });
      throw error;
    }
    timer?.();
    this.pending.splice(0, length);
    this.adoptedEnd = undefined;
    this.lookForStored = true;
    this.uncommitted = last.offset + 1n;
    this.count(records, body.length);
    const stored: StoredObject = { key, startOffset: first.offset.toString(), endOffset: last.offset.toString(), records: length, bytes: body.length };
    this.o.logger.debug({ ...stored }, 'stored archive object');
    await this.o.afterStore?.(stored, signal);
    await this.commitStored();
  }

  /**
   * The key holds other bytes: another writer stored it between our look and our put (look again and adopt its
   * boundary), or the same offsets held other records before (the topic was re-created): then the object after
   * adopting still differs, and the partition stops here, loudly, until an operator looks (never overwritten).
   */
  private conflicted(key: string, startOffset: bigint): void {
    this.o.metrics?.conflicts.inc({ topic: this.topic });
    const again = this.conflictAt === startOffset;
    this.conflictAt = startOffset;
    this.lookForStored = true;
    this.o.logger.error(
      { key, startOffset: String(startOffset) },
      again
        ? 'archive object holds other records at these offsets (was the topic re-created?); partition stopped, nothing overwritten'
        : 'archive object was stored by another writer meanwhile; adopting its boundary',
    );
  }

  private count(records: PendingRecord[], bytes: number): void {
    const m = this.o.metrics;
    if (!m) return;
    m.objects.inc({ topic: this.topic });
    m.bytes.inc({ topic: this.topic }, bytes);
    m.objectRecords.observe({ topic: this.topic }, records.length);
    for (const r of records) m.records.inc({ topic: this.topic, reason: r.reason });
  }

  /** Commits the end of the last stored object if that has not happened yet (a failed commit is retried here). */
  private async commitStored(): Promise<void> {
    if (this.uncommitted === undefined) return;
    await this.o.commit(this.uncommitted.toString());
    this.uncommitted = undefined;
  }
}
