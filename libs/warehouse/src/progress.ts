import { quoteString } from './sql-text.ts';
import type { Warehouse } from './warehouse.ts';

/** Per source partition, the last offset whose rows are durable (see migrations/0006_sink_progress.sql). */
export const PROGRESS_TABLE = 'dwh.sink_progress';

export interface ProgressRecord {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  rows: number;
}

/** Last durable offset per partition of `topic` (partitions never written are absent). */
export async function readProgress(warehouse: Warehouse, topic: string): Promise<Map<number, bigint>> {
  const rows = await warehouse.query<{ partition: number | string; last: string }>(
    `SELECT partition, toString(max(last_offset)) AS last FROM ${PROGRESS_TABLE} WHERE topic = {topic:String} GROUP BY partition`,
    { topic },
  );
  return new Map(rows.map((row) => [Number(row.partition), BigInt(row.last)]));
}

/** Records, per entry, that every record of its topic/partition up to `lastOffset` is written or dead-lettered. */
export async function recordProgress(warehouse: Warehouse, records: readonly ProgressRecord[]): Promise<void> {
  if (records.length === 0) return;
  const body = records
    .map((r) => `[${quoteJson(r.topic)},${r.partition},${r.firstOffset},${r.lastOffset},${r.rows}]\n`)
    .join('');
  await warehouse.insert({
    table: PROGRESS_TABLE,
    columns: ['topic', 'partition', 'first_offset', 'last_offset', 'rows'],
    format: 'JSONCompactEachRow',
    body,
    // No dedup window on this table: a repeated row is harmless (max wins). Settings spelled out regardless.
    settings: { insert_deduplicate: 0, async_insert: 0, input_format_null_as_default: 0 },
  });
}

function quoteJson(value: string): string {
  return JSON.stringify(value);
}

/**
 * Forgets the progress of `topics`, so the sink writes their rows again: a table to rebuild from Kafka (`npm run
 * replay -- --stage sink --rebuild`). Waits until the rows are gone (mutations_sync), before a sink starts again.
 */
export async function forgetProgress(warehouse: Warehouse, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  await warehouse.command(`ALTER TABLE ${PROGRESS_TABLE} DELETE WHERE topic IN (${topics.map(quoteString).join(', ')}) SETTINGS mutations_sync = 2`);
}
