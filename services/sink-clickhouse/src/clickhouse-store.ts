import type avsc from 'avsc';
import { TABLES, type ExtractedTableName, type RowValues } from '@ckt/domain';
import { deadLetterOf, type DeadLetterPublisher, type KafkaMessage } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import type { CutBatch, SinkStore, TopicPartition, WriteContext } from '@ckt/partitioned-sink';
import { GroupCommit } from '@ckt/resilience';
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
  type AvroLineReader,
  type ProgressRecord,
  type Warehouse,
} from '@ckt/warehouse';
import { writeRows } from './batch-writer.ts';
import type { SinkMetrics } from './metrics.ts';
import { decodeLines, SINK_STAGE, type LineDecoder, type RecordDecode } from './record-decoder.ts';
import { storeRecords } from './record-store.ts';
import { RowCutter, rowMemory, type BufferedRow, type FlushLimits, type RecordSource } from './row-cutter.ts';
import { Semaphore } from './semaphore.ts';

/** How long the first progress row of a round waits for those of partitions still finishing their inserts. */
const PROGRESS_LINGER_MS = 10;

export interface SinkTable {
  topic: string;
  table: ExtractedTableName;
}

export interface ClickHouseStoreOptions {
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
  tableInsertConcurrency: number;
  metrics: SinkMetrics;
  logger: Logger;
}

interface TableWriter {
  table: ExtractedTableName;
  columns: string[];
  /** Line readers by writer schema id (null: that schema needs full decoding). One reader serves the table. */
  readers: Map<number, AvroLineReader | null>;
  /** Per partition (the partition is part of every line). */
  decoders: LineDecoder[];
  serialize: (values: RowValues, partition: number, offset: string) => string;
  semaphore: Semaphore;
}

/**
 * The warehouse as a partitioned sink's store. Exactly once in effect: the watermark of a partition is its
 * recorded progress (dwh.sink_progress_v2), so a replay or a restart never writes a row twice, and a retried
 * insert carries the same dedup token, so a retry after an ambiguous failure (a timeout after the server stored
 * it) is dropped by ClickHouse. A batch is durable once its rows are inserted, the rows the warehouse rejects
 * are dead-lettered, and its progress is recorded.
 */
export function createClickHouseStore(options: ClickHouseStoreOptions): SinkStore<BufferedRow> {
  const { warehouse, metrics, logger } = options;
  const tables = new Map<string, TableWriter>(
    options.tables.map(({ topic, table }) => [
      topic,
      {
        table,
        columns: insertColumns(TABLES[table]),
        readers: new Map(),
        decoders: [],
        serialize: createRowSerializer(TABLES[table]),
        semaphore: new Semaphore(options.tableInsertConcurrency),
      },
    ]),
  );
  /** Per topic, the progress read since the last assignment (shared by its partitions). */
  const progress = new Map<string, Promise<Map<number, bigint>>>();
  /** Per topic, the incarnation that progress was read for: what the progress rows written next record. */
  const incarnations = new Map<string, string>();
  // Partitions flush on the same interval ticks, so their progress rows mostly share one insert.
  const progressLog = new GroupCommit<ProgressRecord>((records) => recordProgress(warehouse, records), PROGRESS_LINGER_MS);

  const tableOf = (topic: string): TableWriter => {
    const writer = tables.get(topic);
    if (!writer) throw new Error(`the sink does not write topic ${topic}`);
    return writer;
  };

  function watermarks(topic: string): Promise<Map<number, bigint>> {
    let loaded = progress.get(topic);
    if (!loaded) {
      loaded = (async () => {
        const topicId = await options.topicId(topic);
        const read = await readProgress(warehouse, topic, topicId);
        incarnations.set(topic, topicId);
        if (read.previousIncarnations.length > 0 && read.watermarks.size === 0) {
          // Its offsets started over: what the old topic's progress says about them is not true of these.
          metrics.topicIncarnations.inc({ table: tables.get(topic)?.table ?? topic });
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

  /** Per table and partition: line readers by schema id where the writer schema allows, else decode. */
  function lineDecoder(writer: TableWriter, partition: number): LineDecoder {
    const spec = TABLES[writer.table];
    const decoder: LineDecoder = {
      readerFor: (schemaId) => {
        const known = writer.readers.get(schemaId);
        if (known !== undefined) return known ?? undefined;
        const writerType = options.writerType?.(schemaId);
        if (!writerType) return undefined;
        const reader = createAvroLineReader(writerType, spec) ?? null;
        writer.readers.set(schemaId, reader);
        return reader ?? undefined;
      },
      decode: options.decode,
      serialize: (values, offset) => writer.serialize(values, partition, offset),
      versionMs: (values) => versionTimeMs(spec, values),
    };
    writer.decoders[partition] = decoder;
    return decoder;
  }

  async function insert(writer: TableWriter, { topic, partition }: TopicPartition, rows: BufferedRow[]): Promise<void> {
    const first = rows[0];
    const last = rows.at(-1);
    if (!first || !last) return;
    // One flat string (joining); appending line by line builds a rope that is copied again when sent.
    const lines: string[] = new Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) lines[i] = (rows[i] as BufferedRow).line;
    lines[rows.length] = '';
    const body = lines.join('\n');
    const token = insertToken(topic, partition, first.offset.toString(), last.offset.toString());
    await writer.semaphore.run(async () => {
      const endTimer = metrics.insertSeconds.startTimer({ table: writer.table });
      await warehouse.insert({ table: `dwh.${writer.table}`, columns: writer.columns, format: 'JSONCompactEachRow', body, settings: dedupInsertSettings(token) });
      endTimer();
    });
    metrics.rowsWritten.inc({ table: writer.table }, rows.length);
    metrics.bytesWritten.inc({ table: writer.table }, Buffer.byteLength(body));
  }

  return {
    async prepare(tp, messages: KafkaMessage[]) {
      const writer = tableOf(tp.topic);
      const decoded = await decodeLines(messages, tp, writer.decoders[tp.partition] ?? lineDecoder(writer, tp.partition));
      if (decoded.deadLetters.length > 0) {
        // Before the rows are handed on: a later batch's progress must never cover an unpublished dead letter.
        await options.deadLetters.publish(decoded.deadLetters);
        metrics.deadLetters.inc({ table: writer.table, reason: 'schema_error' }, decoded.deadLetters.length);
        logger.warn({ ...tp, offsets: decoded.deadLetters.map((d) => d.source?.offset), count: decoded.deadLetters.length }, 'records that do not decode were dead-lettered');
      }
      const sources = storeRecords(decoded.lines.map((line) => line.message));
      return decoded.lines.map(({ message, line, versionMs }, i) => ({
        offset: BigInt(message.offset),
        line,
        versionMs,
        ingestMs: Number(message.timestamp),
        message: sources[i] as RecordSource,
      }));
    },

    cutter: () => new RowCutter(options.limits),

    watermark: async ({ topic, partition }) => (await watermarks(topic)).get(partition),

    async write(tp, batch: CutBatch<BufferedRow>, ctx: WriteContext) {
      const writer = tableOf(tp.topic);
      const rows = batch.items;
      const rejected = await writeRows(rows, {
        insert: (slice) => ctx.retry('insert', () => insert(writer, tp, slice), (error) => classifyWarehouseError(error) === 'transient'),
        classify: classifyWarehouseError,
      });
      if (rejected.length > 0) {
        const letters = rejected.map(({ row, error }) => deadLetterOf(row.message, tp, SINK_STAGE, { reason: 'warehouse_rejected', message: describeWarehouseError(error) }));
        await ctx.retry('dead_letter', () => options.deadLetters.publish(letters));
        metrics.deadLetters.inc({ table: writer.table, reason: 'warehouse_rejected' }, rejected.length);
        logger.warn({ ...tp, offsets: rejected.map((r) => r.row.message.offset), rejected: rejected.length }, 'rows rejected by the warehouse were dead-lettered');
      }
      const record = {
        ...tp,
        topicId: incarnations.get(tp.topic) ?? '',
        firstOffset: String((rows[0] as BufferedRow).offset),
        lastOffset: String(batch.coveredThrough),
        rows: rows.length - rejected.length,
      };
      await ctx.retry('record_progress', () => progressLog.submit(record));
    },

    memoryOf: rowMemory,

    assigned(assigned) {
      // A topic re-created in between starts its offsets over under a new id: read progress again.
      progress.clear();
      // Now, so it is known before the first batch arrives.
      for (const topic of new Set(assigned.map((a) => a.topic))) if (tables.has(topic)) watermarks(topic).catch(() => {});
    },

    describeError: describeError,
  };
}

/** Log text of a failure without values: ClickHouse quotes input in its messages, so only code/type/column. */
function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof code === 'string' && /^\d+$/.test(code)) return `ClickHouse error ${code}${typeof type === 'string' ? ` ${type}` : ''}`;
  return error instanceof Error ? (error.message.split('\n')[0]?.slice(0, 200) ?? error.name) : String(error);
}
