import { TABLES, type ExtractedTableName, type RowValues } from '@ckt/domain';
import type { BackoffOptions, BatchHandler, DeadLetterPublisher, TopicPartitionOffset } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import {
  classifyWarehouseError,
  createRowSerializer,
  dedupInsertSettings,
  describeWarehouseError,
  insertColumns,
  insertToken,
  readProgress,
  recordProgress,
  versionTimeMs,
  warehouseErrorLabel,
  type Warehouse,
} from '@ckt/warehouse';
import type { SinkMetrics } from './metrics.ts';
import type { BufferedRow, FlushLimits } from './partition-buffer.ts';
import { PartitionSink } from './partition-sink.ts';
import { decodeRecords, schemaErrorLetter, SINK_STAGE } from './record-decoder.ts';
import { Semaphore } from './semaphore.ts';

export interface SinkTable {
  topic: string;
  table: ExtractedTableName;
}

export interface SinkCoreOptions {
  tables: readonly SinkTable[];
  warehouse: Warehouse;
  /** Avro (Confluent wire format) -> row values; throws on bad records or registry failures. */
  decode(value: Buffer): Promise<RowValues>;
  deadLetters: DeadLetterPublisher;
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
        semaphore: new Semaphore(options.tableInsertConcurrency),
      },
    ]),
  );
  const partitions = new Map<string, PartitionSink>();
  /** Per topic, the progress read since the last assignment (shared by its partitions). */
  const progress = new Map<string, Promise<Map<number, bigint>>>();
  let control: ConsumerControl | undefined;

  const keyOf = (topic: string, partition: number) => `${topic}|${partition}`;

  function watermarks(topic: string): Promise<Map<number, bigint>> {
    let loaded = progress.get(topic);
    if (!loaded) {
      loaded = readProgress(warehouse, topic);
      progress.set(topic, loaded);
      // A failed read is forgotten so the next caller (a retry) reads again.
      loaded.catch(() => {
        if (progress.get(topic) === loaded) progress.delete(topic);
      });
    }
    return loaded;
  }

  function consumerCall(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      // kafkajs refuses pause/resume before run() or after stop(); nothing to do then.
      logger.debug({ err: error, what }, 'consumer call skipped');
    }
  }

  function partitionSink(context: TableContext, partition: number): PartitionSink {
    const key = keyOf(context.topic, partition);
    const existing = partitions.get(key);
    if (existing) return existing;
    const { topic, table } = context;
    const freshness = metrics.freshnessSeconds.labels(table);
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
        recordProgress(warehouse, { topic, partition, firstOffset: String(firstOffset), lastOffset: String(lastOffset), rows }),
      deadLetter: (rejected) =>
        options.deadLetters.publish(
          rejected.map(({ row, error }) => ({
            value: row.message.value,
            key: row.message.key,
            headers: row.message.headers,
            stage: SINK_STAGE,
            reason: 'warehouse_rejected',
            message: describeWarehouseError(error),
            source: { topic, partition, offset: row.message.offset },
          })),
        ),
      commit: async (offset) => {
        if (!control) return;
        await control.commit([{ topic, partition, offset: String(offset) }]);
      },
      pause: () => consumerCall('pause', () => control?.pause(topic, partition)),
      resume: () => consumerCall('resume', () => control?.resume(topic, partition)),
      observe: {
        flushed: (trigger) => metrics.flushes.inc({ table, trigger }),
        written: (rows, seconds) => {
          metrics.batchRows.observe({ table }, rows.length);
          metrics.flushSeconds.observe({ table }, seconds);
          const at = now();
          for (const row of rows) if (row.versionMs !== undefined) freshness.observe(Math.max(0, (at - row.versionMs) / 1000));
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
    let body = '';
    for (const row of rows) body += `${row.line}\n`;
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
    await waitBriefly(sink.ready());
    const fresh = sink.unhandled(batch.messages, highWatermark);
    const decoded = await decodeRecords(fresh, source, options.decode);
    const spec = TABLES[context.table];
    const rows: BufferedRow[] = [];
    for (const { message, values } of decoded.records) {
      try {
        rows.push({ offset: BigInt(message.offset), line: context.serialize(values, batch.partition, message.offset), versionMs: versionTimeMs(spec, values), message });
      } catch {
        // A decoded value JSON cannot carry (e.g. a BigInt): the record is unusable as it is, not retryable.
        decoded.deadLetters.push(schemaErrorLetter(message, source, 'a decoded value cannot be serialized for the warehouse'));
      }
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
      const keep = new Set(assigned.map(({ topic, partition }) => keyOf(topic, partition)));
      progress.clear();
      // Read the progress of every assigned topic now, so it is known before the first batch arrives.
      for (const topic of new Set(assigned.map((a) => a.topic))) if (byTopic.has(topic)) watermarks(topic).catch(() => {});
      for (const [key, sink] of partitions) {
        if (keep.has(key)) {
          sink.refreshWatermark();
        } else {
          sink.revoke();
          partitions.delete(key);
        }
      }
      logger.info({ partitions: assigned.length }, 'assignment changed; watermarks reloaded');
    },
    async drain(timeoutMs) {
      for (const [key] of partitions) {
        const [topic, partition] = key.split('|') as [string, string];
        consumerCall('pause', () => control?.pause(topic, Number(partition)));
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const drained = Promise.all([...partitions.values()].map((sink) => sink.drain())).then(() => true as const);
      const result = await Promise.race([drained, timeout]);
      clearTimeout(timer);
      return result;
    },
    abort() {
      stopping.abort();
      for (const sink of partitions.values()) sink.close();
    },
    healthy: () => [...partitions.values()].every((sink) => sink.healthy),
  };
}

/** Waits for `work` at most `ms` (its failure or slowness is handled elsewhere). */
async function waitBriefly(work: Promise<unknown>, ms = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
