import type avsc from 'avsc';
import type { ExtractedTableName } from '@ckt/domain';
import { deadLetterOf, type DeadLetterPublisher, type KafkaMessage } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import type { CutBatch, SinkStore, TopicPartition, WriteContext } from '@ckt/partitioned-sink';
import { classifyWarehouseError, describeWarehouseError, type Warehouse } from '@ckt/warehouse';
import { writeRows } from './batch-writer.ts';
import type { SinkMetrics } from './metrics.ts';
import { decodeLines, SINK_STAGE, type RecordDecode } from './record-decoder.ts';
import { storeRecords } from './record-store.ts';
import { RowCutter, rowMemory, type BufferedRow, type FlushLimits, type RecordSource } from './row-cutter.ts';
import { SinkProgress } from './sink-progress.ts';
import { TableWriter } from './table-writer.ts';

interface SinkTable {
  topic: string;
  table: ExtractedTableName;
}

interface ClickHouseStoreOptions {
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

/**
 * The warehouse as a partitioned sink's store. Exactly once in effect: the watermark of a partition is its
 * recorded progress (dwh.sink_progress_v2), so a replay or a restart never writes a row twice, and a retried
 * insert carries the same dedup token, so a retry after an ambiguous failure (a timeout after the server stored
 * it) is dropped by ClickHouse. A batch is durable once its rows are inserted, the rows the warehouse rejects
 * are dead-lettered, and its progress is recorded.
 */
export class ClickHouseStore implements SinkStore<BufferedRow> {
  private readonly tables: Map<string, TableWriter>;
  private readonly progress: SinkProgress;

  constructor(private readonly o: ClickHouseStoreOptions) {
    const writerOptions = { warehouse: o.warehouse, decode: o.decode, writerType: o.writerType, insertConcurrency: o.tableInsertConcurrency, metrics: o.metrics };
    this.tables = new Map(o.tables.map(({ topic, table }) => [topic, new TableWriter(table, writerOptions)]));
    this.progress = new SinkProgress({
      warehouse: o.warehouse,
      topicId: o.topicId,
      onRecreated: (topic) => o.metrics.topicIncarnations.inc({ table: this.tables.get(topic)?.table ?? topic }),
      logger: o.logger,
    });
  }

  /** Decodes records into insert lines; what does not decode is dead-lettered before the rows are handed on. */
  async prepare(tp: TopicPartition, messages: KafkaMessage[]): Promise<BufferedRow[]> {
    const writer = this.tableOf(tp.topic);
    const decoded = await decodeLines(messages, tp, writer.decoderFor(tp.partition));
    if (decoded.deadLetters.length > 0) {
      // A later batch's progress must never cover an unpublished dead letter.
      await this.o.deadLetters.publish(decoded.deadLetters);
      this.o.metrics.deadLetters.inc({ table: writer.table, reason: 'schema_error' }, decoded.deadLetters.length);
      this.o.logger.warn({ ...tp, offsets: decoded.deadLetters.map((d) => d.source?.offset), count: decoded.deadLetters.length }, 'records that do not decode were dead-lettered');
    }
    const sources = storeRecords(decoded.lines.map((line) => line.message));
    return decoded.lines.map(({ message, line, versionMs }, i) => ({
      offset: BigInt(message.offset),
      line,
      versionMs,
      ingestMs: Number(message.timestamp),
      message: sources[i] as RecordSource,
    }));
  }

  cutter(): RowCutter {
    return new RowCutter(this.o.limits);
  }

  watermark({ topic, partition }: TopicPartition): Promise<bigint | undefined> {
    return this.progress.watermark(topic, partition);
  }

  /** Inserts the rows (isolating those the warehouse rejects), dead-letters the rejected ones, records progress. */
  async write(tp: TopicPartition, batch: CutBatch<BufferedRow>, ctx: WriteContext): Promise<void> {
    const writer = this.tableOf(tp.topic);
    const rows = batch.items;
    const rejected = await writeRows(rows, {
      insert: (slice) => ctx.retry('insert', () => writer.insert(tp, slice), (error) => classifyWarehouseError(error) === 'transient'),
      classify: classifyWarehouseError,
    });
    if (rejected.length > 0) {
      const letters = rejected.map(({ row, error }) => deadLetterOf(row.message, tp, SINK_STAGE, { reason: 'warehouse_rejected', message: describeWarehouseError(error) }));
      await ctx.retry('dead_letter', () => this.o.deadLetters.publish(letters));
      this.o.metrics.deadLetters.inc({ table: writer.table, reason: 'warehouse_rejected' }, rejected.length);
      this.o.logger.warn({ ...tp, offsets: rejected.map((r) => r.row.message.offset), rejected: rejected.length }, 'rows rejected by the warehouse were dead-lettered');
    }
    const progress = { ...tp, firstOffset: String((rows[0] as BufferedRow).offset), lastOffset: String(batch.coveredThrough), rows: rows.length - rejected.length };
    await ctx.retry('record_progress', () => this.progress.record(progress));
  }

  memoryOf(row: BufferedRow): number {
    return rowMemory(row);
  }

  assigned(partitions: TopicPartition[]): void {
    this.progress.reload(new Set(partitions.map((p) => p.topic).filter((topic) => this.tables.has(topic))));
  }

  /** Log text of a failure without values: ClickHouse quotes input in its messages, so only code/type/column. */
  describeError(error: unknown): string {
    return describeWarehouseError(error);
  }

  private tableOf(topic: string): TableWriter {
    const writer = this.tables.get(topic);
    if (!writer) throw new Error(`the sink does not write topic ${topic}`);
    return writer;
  }
}
