import type avsc from 'avsc';
import { TABLES, type ExtractedTableName, type RowValues } from '@ckt/domain';
import type { TopicPartition } from '@ckt/partitioned-sink';
import { createAvroLineReader, createRowSerializer, dedupInsertSettings, insertColumns, insertToken, versionTimeMs, type AvroLineReader, type Warehouse } from '@ckt/warehouse';
import type { SinkMetrics } from './metrics.ts';
import type { LineDecoder, RecordDecode } from './record-decoder.ts';
import type { BufferedRow } from './row-cutter.ts';
import { Semaphore } from './semaphore.ts';

interface TableWriterOptions {
  warehouse: Warehouse;
  decode: RecordDecode;
  /** The writer schema of a schema id once known: its records then go straight from Avro to the insert line. */
  writerType?: (schemaId: number) => avsc.Type | undefined;
  /** Inserts into one table at the same time, across its partitions. */
  insertConcurrency: number;
  metrics: SinkMetrics;
}

/** One warehouse table: how its records become insert lines, and its deduplicated inserts. */
export class TableWriter {
  private readonly columns: string[];
  private readonly serialize: (values: RowValues, partition: number, offset: string) => string;
  /** Line readers by writer schema id (null: that schema needs full decoding). One reader serves the table. */
  private readonly readers = new Map<number, AvroLineReader | null>();
  /** Per partition (the partition is part of every line). */
  private readonly decoders: LineDecoder[] = [];
  private readonly semaphore: Semaphore;

  constructor(
    readonly table: ExtractedTableName,
    private readonly o: TableWriterOptions,
  ) {
    this.columns = insertColumns(TABLES[table]);
    this.serialize = createRowSerializer(TABLES[table]);
    this.semaphore = new Semaphore(o.insertConcurrency);
  }

  decoderFor(partition: number): LineDecoder {
    const known = this.decoders[partition];
    if (known) return known;
    const spec = TABLES[this.table];
    const decoder: LineDecoder = {
      readerFor: (schemaId) => this.readerFor(schemaId),
      decode: this.o.decode,
      serialize: (values, offset) => this.serialize(values, partition, offset),
      versionMs: (values) => versionTimeMs(spec, values),
    };
    this.decoders[partition] = decoder;
    return decoder;
  }

  /** One insert of a contiguous offset run of one partition, with its dedup token (a retry is dropped). */
  async insert({ topic, partition }: TopicPartition, rows: BufferedRow[]): Promise<void> {
    const first = rows[0];
    const last = rows.at(-1);
    if (!first || !last) return;
    // One flat string (joining); appending line by line builds a rope that is copied again when sent.
    const lines: string[] = new Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) lines[i] = (rows[i] as BufferedRow).line;
    lines[rows.length] = '';
    const body = lines.join('\n');
    const token = insertToken(topic, partition, first.offset.toString(), last.offset.toString());
    const { metrics } = this.o;
    await this.semaphore.run(async () => {
      const endTimer = metrics.insertSeconds.startTimer({ table: this.table });
      await this.o.warehouse.insert({ table: `dwh.${this.table}`, columns: this.columns, format: 'JSONCompactEachRow', body, settings: dedupInsertSettings(token) });
      endTimer();
    });
    metrics.rowsWritten.inc({ table: this.table }, rows.length);
    metrics.bytesWritten.inc({ table: this.table }, Buffer.byteLength(body));
  }

  private readerFor(schemaId: number): AvroLineReader | undefined {
    const known = this.readers.get(schemaId);
    if (known !== undefined) return known ?? undefined;
    const writerType = this.o.writerType?.(schemaId);
    if (!writerType) return undefined;
    const reader = createAvroLineReader(writerType, TABLES[this.table]) ?? null;
    this.readers.set(schemaId, reader);
    return reader ?? undefined;
  }
}
