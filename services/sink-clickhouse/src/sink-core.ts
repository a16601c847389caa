import type avsc from 'avsc';
import { TABLES, type ExtractedTableName, type RowValues } from '@ckt/domain';
import { deadLetterOf, type BatchHandler, type DeadLetterPublisher, type TopicPartitionOffset } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import { GroupCommit, within, type BackoffOptions } from '@ckt/resilience';
import {
  classifyWarehouseError,
  createAvroLineReader,
  createRowSerializer,
  dedupInsertSettings,
  describeWarehouseError,
  insertColumns,
  insertToken,
  readProgress,
  recordProgress,
  versionTimeMs,
  warehouseErrorLabel,
  type AvroLineReader,
  type ProgressRecord,
  type Warehouse,
} from '@ckt/warehouse';
import type { SinkMetrics } from './metrics.ts';
import type { BufferedRow, FlushLimits, RecordSource } from './partition-buffer.ts';
import { PartitionSink } from './partition-sink.ts';
import { decodeLines, SINK_STAGE, type DecodedLine, type LineDecoder, type RecordDecode } from './record-decoder.ts';
import { storeRecords } from './record-store.ts';
import { Semaphore } from './semaphore.ts';

/** How long the first progress row of a round waits for those of partitions still finishing their inserts. */
const PROGRESS_LINGER_MS = 10;

export interface SinkTable {
  topic: string;
  table: ExtractedTableName;
}

export interface SinkCoreOptions {
  tables: readonly SinkTable[];
  warehouse: Warehouse;
  /** Avro (Confluent wire format) -> row values; throws (or rejects) on bad records or registry failures. */
  decode: RecordDecode;
  /**
   * The writer schema of a schema id once known (e.g. the codec's cache after its first decode): records of
   * a schema the line reader supports then go straight from Avro to the insert line, without `decode`.
   */
  writerType?: (schemaId: number) => avsc.Type | undefined;
  deadLetters: DeadLetterPublisher;
  /** Kafka's id of a topic's current incarnation ('' when the broker gives none); read again after each assignment. */
  topicId(topic: string): Promise<string>;
  limits: FlushLimits;
  maxBufferedBytes: number;
  tableInsertConcurrency: number;
  backoff: BackoffOptions;
  metrics: SinkMetrics;
  logger: Logger;
  now?: () => number;
}

/** The consumer operations the core drives (late-bound: the runner is created with the core's handler). */
export interface ConsumerControl {
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

export interface SinkCore {
  /** The consumer runner's batch handler: decode, dead-letter bad records, hand rows to the partition. */
  readonly handle: BatchHandler;
  /** The runner's onAssignment: forget revoked partitions, reload watermarks. */
  onAssignment(assigned: { topic: string; partition: number }[]): void;
  bind(control: ConsumerControl): void;
  /** Pauses every partition, writes and commits everything buffered; false if `timeoutMs` ran out first. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops every retry loop (used after drain, or on a hard stop). */
  abort(): void;
  /** False when a partition stopped on an unexpected error. */
  healthy(): boolean;
}

interface TableContext {
  topic: string;
  table: ExtractedTableName;
  columns: string[];
  serialize: (values: RowValues, partition: number, offset: string) => string;
  /** Line readers by writer schema id (null: that schema needs full decoding). One reader serves the table. */
  readers: Map<number, AvroLineReader | null>;
  decoders: LineDecoder[];
  semaphore: Semaphore;
}

export function createSinkCore(options: SinkCoreOptions): SinkCore {
  const { warehouse, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const stopping = new AbortController();
  let heldBytes = 0;
  const byTopic = new Map<string, TableContext>(
    options.tables.map(({ topic, table }) => [
      topic,
      {
        topic,
        table,
        columns: insertColumns(TABLES[table]),
        serialize: createRowSerializer(TABLES[table]),
        readers: new Map(),
        decoders: [],
        semaphore: new Semaphore(options.tableInsertConcurrency),
      },
    ]),
  );
  const partitions = new Map<string, PartitionSink>();
  /** Per topic, the progress read since the last assignment (shared by its partitions). */
  const progress = new Map<string, Promise<Map<number, bigint>>>();
  /** Per topic, the incarnation that progress was read for: what the progress rows written next record. */
  const incarnations = new Map<string, string>();
  let control: ConsumerControl | undefined;
  // Partitions flush on the same interval ticks, so their progress rows mostly share one insert.
  const progressLog = new GroupCommit<ProgressRecord>((records) => recordProgress(warehouse, records), PROGRESS_LINGER_MS);

  const keyOf = (topic: string, partition: number) => `${topic}|${partition}`;

  function watermarks(topic: string): Promise<Map<number, bigint>> {
    let loaded = progress.get(topic);
    if (!loaded) {
      loaded = (async () => {
        const topicId = await options.topicId(topic);
        const read = await readProgress(warehouse, topic, topicId);
        incarnations.set(topic, topicId);
        if (read.previousIncarnations.length > 0 && read.watermarks.size === 0) {
          // Its offsets started over: what the old topic's progress says about them is not true of these.
          metrics.topicIncarnations.inc({ table: byTopic.get(topic)?.table ?? topic });
          logger.error(
            { topic, topicId, previous: read.previousIncarnations },
            `topic ${topic} was deleted and created again (new topic id): its records are written from its first offset, progress of the old topic is not used`,
          );
        }
        return read.watermarks;
      })();
      progress.set(topic, loaded);
      // A failed read is forgotten so the next caller (a retry) reads again.
      loaded.catch(() => {
        if (progress.get(topic) === loaded) progress.delete(topic);
      });
    }
    return loaded;
  }

  function partitionSink(context: TableContext, partition: number): PartitionSink {
    const key = keyOf(context.topic, partition);
    const existing = partitions.get(key);
    if (existing) return existing;
    const { topic, table } = context;
    const freshness = metrics.freshnessSeconds.labels(table);
    const ingestLatency = metrics.ingestLatencySeconds.labels(table);
    const sink = new PartitionSink({
      topic,
      partition,
      limits: options.limits,
      backoff: options.backoff,
      // Equal shares of the budget: a stuck table can hold at most its partitions' shares, never the others'.
      memoryShare: () => options.maxBufferedBytes / Math.max(1, partitions.size),
      memoryChanged: (delta) => {
        heldBytes += delta;
        metrics.bufferedBytes.set(heldBytes);
      },
      logger,
      signal: stopping.signal,
      now,
      classify: classifyWarehouseError,
      insert: (rows) => insertRows(context, partition, rows),
      loadWatermark: async () => (await watermarks(topic)).get(partition),
      recordProgress: ({ firstOffset, lastOffset, rows }) =>
        progressLog.submit({ topic, partition, topicId: incarnations.get(topic) ?? '', firstOffset: String(firstOffset), lastOffset: String(lastOffset), rows }),
      deadLetter: (rejected) =>
        options.deadLetters.publish(
          rejected.map(({ row, error }) =>
            deadLetterOf(row.message, { topic, partition }, SINK_STAGE, { reason: 'warehouse_rejected', message: describeWarehouseError(error) }),
          ),
        ),
      commit: async (offset) => {
        if (!control) return;
        await control.commit([{ topic, partition, offset: String(offset) }]);
      },
      pause: () => control?.pause(topic, partition),
      resume: () => control?.resume(topic, partition),
      observe: {
        flushed: (trigger) => metrics.flushes.inc({ table, trigger }),
        written: (rows, seconds) => {
          metrics.batchRows.observe({ table }, rows.length);
          metrics.flushSeconds.observe({ table }, seconds);
          // Committed: queryable now. From the bridge's receive time (the record timestamp) and from the event time.
          const at = now();
          for (const row of rows) {
            ingestLatency.observe(Math.max(0, (at - row.ingestMs) / 1000));
            if (row.versionMs !== undefined) freshness.observe(Math.max(0, (at - row.versionMs) / 1000));
          }
        },
        skipped: (count) => metrics.rowsSkipped.inc({ table, reason: 'already_written' }, count),
        deadLettered: (count) => metrics.deadLetters.inc({ table, reason: 'warehouse_rejected' }, count),
        retried: (operation, error) => metrics.retries.inc({ table, operation, error: warehouseErrorLabel(error) }),
        paused: (delta) => metrics.pausedPartitions.inc({ table }, delta),
      },
    });
    partitions.set(key, sink);
    return sink;
  }

  async function insertRows(context: TableContext, partition: number, rows: BufferedRow[]): Promise<void> {
    const first = rows[0];
    const last = rows.at(-1);
    if (!first || !last) return;
    // One flat string (joining); appending line by line builds a rope that is copied again when sent.
    const lines: string[] = new Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) lines[i] = (rows[i] as BufferedRow).line;
    lines[rows.length] = '';
    const body = lines.join('\n');
    const token = insertToken(context.topic, partition, first.offset.toString(), last.offset.toString());
    await context.semaphore.run(async () => {
      const endTimer = metrics.insertSeconds.startTimer({ table: context.table });
      await warehouse.insert({
        table: `dwh.${context.table}`,
        columns: context.columns,
        format: 'JSONCompactEachRow',
        body,
        settings: dedupInsertSettings(token),
      });
      endTimer();
    });
    metrics.rowsWritten.inc({ table: context.table }, rows.length);
    metrics.bytesWritten.inc({ table: context.table }, Buffer.byteLength(body));
  }

  /** Per table and partition (the partition is part of every line): line readers by schema id, else decode. */
  function lineDecoder(context: TableContext, partition: number): LineDecoder {
    const spec = TABLES[context.table];
    const decoder: LineDecoder = {
      readerFor: (schemaId) => {
        const known = context.readers.get(schemaId);
        if (known !== undefined) return known ?? undefined;
        const writer = options.writerType?.(schemaId);
        if (!writer) return undefined;
        const reader = createAvroLineReader(writer, spec) ?? null;
        context.readers.set(schemaId, reader);
        return reader ?? undefined;
      },
      decode: options.decode,
      serialize: (values, offset) => context.serialize(values, partition, offset),
      versionMs: (values) => versionTimeMs(spec, values),
    };
    context.decoders[partition] = decoder;
    return decoder;
  }

  const handle: BatchHandler = async (batch) => {
    const context = byTopic.get(batch.topic);
    const last = batch.messages.at(-1);
    if (!context || !last) return;
    metrics.recordsConsumed.inc({ table: context.table }, batch.messages.length);
    const source = { topic: batch.topic, partition: batch.partition };
    const sink = partitionSink(context, batch.partition);
    const highWatermark = /^\d+$/.test(batch.highWatermark) ? BigInt(batch.highWatermark) : undefined;
    // Records at or below the watermark are already in the warehouse (or dead-lettered): not even decoded.
    // The handler never blocks long on the warehouse (that would stall fetching for every partition): without
    // a watermark yet, records are decoded and the flush filters them (it waits for the watermark, pausing).
    await within(sink.ready(), 1000);
    const fresh = sink.unhandled(batch.messages, highWatermark);
    const decoded = await decodeLines(fresh, source, context.decoders[batch.partition] ?? lineDecoder(context, batch.partition));
    const sources = storeRecords(decoded.lines.map((decodedLine) => decodedLine.message));
    const rows: BufferedRow[] = new Array(decoded.lines.length);
    for (let i = 0; i < rows.length; i++) {
      const { message, line, versionMs } = decoded.lines[i] as DecodedLine;
      rows[i] = { offset: BigInt(message.offset), line, versionMs, ingestMs: Number(message.timestamp), message: sources[i] as RecordSource };
    }
    if (decoded.deadLetters.length > 0) {
      // Before the rows are handed on: a later batch's progress must never cover an unpublished dead letter.
      await options.deadLetters.publish(decoded.deadLetters);
      metrics.deadLetters.inc({ table: context.table, reason: 'schema_error' }, decoded.deadLetters.length);
      logger.warn({ ...source, offsets: decoded.deadLetters.map((d) => d.source?.offset), count: decoded.deadLetters.length }, 'records that do not decode were dead-lettered');
    }
    sink.accept(rows, BigInt(last.offset), highWatermark);
  };

  return {
    handle,
    bind(next) {
      control = next;
    },
    onAssignment(assigned) {
      // Every partition starts over from its committed offset after a rebalance, kept ones too: what they
      // buffered is uncommitted and comes again, another member may have written meanwhile, and a topic that was
      // re-created in between starts its offsets over under a new id.
      progress.clear();
      for (const sink of partitions.values()) sink.revoke();
      partitions.clear();
      // Read the progress of every assigned topic now, so it is known before the first batch arrives.
      for (const topic of new Set(assigned.map((a) => a.topic))) if (byTopic.has(topic)) watermarks(topic).catch(() => {});
      logger.info({ partitions: assigned.length }, 'assignment changed; partitions start over from their committed offsets');
    },
    async drain(timeoutMs) {
      for (const [key] of partitions) {
        const [topic, partition] = key.split('|') as [string, string];
        control?.pause(topic, Number(partition));
      }
      return within(Promise.all([...partitions.values()].map((sink) => sink.drain())), timeoutMs);
    },
    abort() {
      stopping.abort();
      for (const sink of partitions.values()) sink.close();
    },
    healthy: () => [...partitions.values()].every((sink) => sink.healthy),
  };
}
