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
} from '@ckt/archive';
import type { Logger } from '@ckt/logging';
import type { KafkaMessage } from '@ckt/kafka';
import { partitionKey, type CutBatch, type SinkStore, type TopicPartition, type WriteContext } from '@ckt/partitioned-sink';
import { LoadOnce } from '@ckt/resilience';
import { reasonLabel, type ArchiveMetrics } from './archive-metrics.ts';
import { ObjectCutter, type ObjectLimits, type PendingRecord } from './object-cutter.ts';

export interface StoredObject {
  key: string;
  startOffset: string;
  endOffset: string;
  records: number;
  bytes: number;
}

export interface ArchiveStoreOptions {
  store: ObjectStore;
  limits: ObjectLimits;
  maxAgeMs: number;
  /** Kafka's id of the topic incarnation ('' if none): part of every key, so a re-created topic's objects are new. */
  topicId(topic: string): Promise<string>;
  metrics: ArchiveMetrics;
  logger: Logger;
  now?: () => number;
  /** Test seam: runs after an object is stored and before its offsets are committed. */
  afterStore?: (object: StoredObject, signal?: AbortSignal) => Promise<void>;
}

/** The key held other bytes again after its boundary was adopted: never overwritten, the partition stops. */
class ForeignObjectError extends Error {}

/**
 * An object store as a partitioned sink's store: gzip NDJSON objects, write-once keys by start offset. Before
 * each object it looks for one an earlier attempt stored under the same start offset (a crash between upload and
 * commit, a rebalance, a replay of the group) and, if there is one, ends this object at the same offset: same
 * records, deterministic gzip, the same bytes, so the write-once store takes it as a retry.
 */
export class ArchiveStore implements SinkStore<PendingRecord> {
  private readonly now: () => number;
  private readonly cutters = new Map<string, ObjectCutter>();
  /** Per topic, the incarnation read since the last assignment (a re-created topic starts its offsets over). */
  private readonly topicIds: LoadOnce<string, string>;
  /** Per partition, the start offset of the last object whose key held other bytes. */
  private readonly conflictAt = new Map<string, bigint>();

  constructor(private readonly o: ArchiveStoreOptions) {
    this.now = o.now ?? Date.now;
    this.topicIds = new LoadOnce((topic) => o.topicId(topic));
  }

  async prepare(tp: TopicPartition, messages: KafkaMessage[]): Promise<PendingRecord[]> {
    const arrivedAt = this.now();
    return messages.map((message) => {
      const line = toArchiveLine(tp.topic, tp.partition, message);
      const text = serialiseLine(line);
      const slot = hourSlotOfIso(line.timestamp);
      return { offset: BigInt(message.offset), slot: `${slot.date}/${slot.hour}`, text, bytes: Buffer.byteLength(text), arrivedAt, reason: reasonLabel(message.headers) };
    });
  }

  cutter(tp: TopicPartition): ObjectCutter {
    const cutter = new ObjectCutter(this.o.limits, this.o.maxAgeMs);
    this.cutters.set(partitionKey(tp), cutter);
    return cutter;
  }

  /** Stores the batch as one object, or the part an earlier attempt stored under its start offset. */
  write(tp: TopicPartition, batch: CutBatch<PendingRecord>, ctx: WriteContext): Promise<bigint | void> {
    return ctx.retry(
      'upload',
      async () => {
        try {
          return await this.writeOnce(tp, batch.items, ctx.signal);
        } catch (error) {
          if (!(error instanceof ForeignObjectError)) this.o.metrics.uploadFailures.inc({ topic: tp.topic });
          throw error;
        }
      },
      (error) => !(error instanceof ForeignObjectError),
    );
  }

  assigned(): void {
    this.topicIds.clear();
  }

  private async writeOnce(tp: TopicPartition, records: PendingRecord[], signal: AbortSignal): Promise<bigint | void> {
    const first = records[0] as PendingRecord;
    const last = records.at(-1) as PendingRecord;
    const key = await this.keyAt(tp, first);
    const end = await this.storedEnd(key);
    if (end === undefined || end < first.offset || end === last.offset) return this.put(tp, key, records, signal);
    this.o.metrics.adopted.inc({ topic: tp.topic });
    this.o.logger.info({ key, endOffset: String(end) }, 'object already stored by an earlier attempt; rewriting it with the same end offset');
    if (end < last.offset) {
      await this.put(tp, key, records.filter((r) => r.offset <= end), signal);
      return end;
    }
    // It ends past this batch: wait for the records up to its end (a revoked writer adopts nothing).
    if (!signal.aborted) this.cutters.get(partitionKey(tp))?.adopt(end);
    return first.offset - 1n;
  }

  private async keyAt(tp: TopicPartition, record: PendingRecord): Promise<string> {
    const [date = '', hour = ''] = record.slot.split('/');
    const id = await this.topicIds.get(tp.topic);
    return objectKey({ ...tp, startOffset: record.offset.toString(), date, hour, ...(id ? { topicId: id } : {}) });
  }

  /** The last offset of an object an earlier attempt stored under this key, if there is a readable one. */
  private async storedEnd(key: string): Promise<bigint | undefined> {
    const body = await this.o.store.get(key);
    if (!body) return undefined;
    try {
      const end = decodeArchiveObject(body).at(-1)?.offset;
      return end === undefined ? undefined : BigInt(end);
    } catch (error) {
      this.o.logger.warn({ key, err: error }, 'stored object is unreadable; it will be replaced');
      return undefined;
    }
  }

  /** Stores `records` as one object; a key that holds other bytes throws ObjectConflictError (see `conflicted`). */
  private async put(tp: TopicPartition, key: string, records: PendingRecord[], signal: AbortSignal): Promise<void> {
    const { metrics } = this.o;
    const first = records[0] as PendingRecord;
    const body = await gzipDeterministicAsync(Buffer.from(records.map((r) => r.text).join(''), 'utf8'));
    const timer = metrics.uploadSeconds.startTimer({ topic: tp.topic });
    try {
      await this.o.store.put(key, body, { contentType: OBJECT_CONTENT_TYPE, signal });
    } catch (error) {
      if (error instanceof ObjectConflictError) this.conflicted(tp, key, first.offset);
      throw error;
    }
    timer();
    metrics.objects.inc({ topic: tp.topic });
    metrics.bytes.inc({ topic: tp.topic }, body.length);
    metrics.objectRecords.observe({ topic: tp.topic }, records.length);
    for (const r of records) metrics.records.inc({ topic: tp.topic, reason: r.reason });
    const stored = { key, startOffset: first.offset.toString(), endOffset: (records.at(-1) as PendingRecord).offset.toString(), records: records.length, bytes: body.length };
    this.o.logger.debug(stored, 'stored archive object');
    await this.o.afterStore?.(stored, signal);
  }

  /**
   * The key holds other bytes: another writer stored it between our look and our put (look again and adopt its
   * boundary), or the same offsets held other records before (the topic was re-created): then the object after
   * adopting still differs, and the partition stops here, loudly, until an operator looks (never overwritten).
   */
  private conflicted(tp: TopicPartition, key: string, startOffset: bigint): void {
    this.o.metrics.conflicts.inc({ topic: tp.topic });
    const again = this.conflictAt.get(partitionKey(tp)) === startOffset;
    this.conflictAt.set(partitionKey(tp), startOffset);
    if (again) {
      this.o.logger.error({ key, startOffset: String(startOffset) }, 'archive object holds other records at these offsets (was the topic re-created?); partition stopped, nothing overwritten');
      throw new ForeignObjectError(`archive object ${key} holds other records`);
    }
    this.o.logger.error({ key, startOffset: String(startOffset) }, 'archive object was stored by another writer meanwhile; adopting its boundary');
  }
}
