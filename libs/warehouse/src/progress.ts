import { quoteString } from './sql-text.ts';
import type { Warehouse } from './warehouse.ts';

/** Per source partition and topic incarnation, the last offset whose rows are durable (migrations 0006, 0007). */
const PROGRESS_TABLE = 'dwh.sink_progress_v2';

export interface ProgressRecord {
  topic: string;
  partition: number;
  /** Kafka's id of the topic incarnation ('' when the broker gives none). */
  topicId: string;
  firstOffset: string;
  lastOffset: string;
  rows: number;
}

interface TopicProgress {
  /** Last durable offset per partition of the topic's current incarnation (partitions never written are absent). */
  watermarks: Map<number, bigint>;
  /**
   * Other incarnations progress was recorded for: the topic was deleted and created again (or the cluster rebuilt)
   * since, its offsets started over, and that progress must not make the sink skip the new records.
   */
  previousIncarnations: string[];
}

/**
 * The progress of `topic` for its incarnation `topicId`. Rows recorded before topic ids were (topic_id '') count
 * for the current incarnation unless progress of another incarnation was recorded after them.
 */
export async function readProgress(warehouse: Warehouse, topic: string, topicId = ''): Promise<TopicProgress> {
  const rows = await warehouse.query<{ topic_id: string; partition: number | string; last: string }>(
    `SELECT topic_id, partition, toString(max(last_offset)) AS last FROM ${PROGRESS_TABLE} WHERE topic = {topic:String} GROUP BY topic_id, partition`,
    { topic },
  );
  const previousIncarnations = [...new Set(rows.map((r) => r.topic_id))].filter((id) => id !== '' && id !== topicId);
  const counts = (id: string) => id === topicId || (id === '' && previousIncarnations.length === 0);
  const watermarks = new Map<number, bigint>();
  for (const row of rows) {
    if (!counts(row.topic_id)) continue;
    const partition = Number(row.partition);
    const last = BigInt(row.last);
    if ((watermarks.get(partition) ?? -1n) < last) watermarks.set(partition, last);
  }
  return { watermarks, previousIncarnations };
}

/** Records, per entry, that every record of its topic/partition up to `lastOffset` is written or dead-lettered. */
export async function recordProgress(warehouse: Warehouse, records: readonly ProgressRecord[]): Promise<void> {
  if (records.length === 0) return;
  const body = records
    .map((r) => `[${quoteJson(r.topic)},${r.partition},${quoteJson(r.topicId)},${r.firstOffset},${r.lastOffset},${r.rows}]\n`)
    .join('');
  await warehouse.insert({
    table: PROGRESS_TABLE,
    columns: ['topic', 'partition', 'topic_id', 'first_offset', 'last_offset', 'rows'],
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
 * Forgets the progress of `topics` (every incarnation), so the sink writes their rows again: a table to rebuild
 * from Kafka (`npm run replay -- --stage sink --rebuild`). Waits until the rows are gone (mutations_sync), before a
 * sink starts again. Resolves with the number of topic partitions that had progress.
 */
export async function forgetProgress(warehouse: Warehouse, topics: readonly string[]): Promise<number> {
  if (topics.length === 0) return 0;
  const list = topics.map(quoteString).join(', ');
  const [row] = await warehouse.query<{ n: string | number }>(`SELECT uniqExact(topic, partition) AS n FROM ${PROGRESS_TABLE} WHERE topic IN (${list})`);
  await warehouse.command(`ALTER TABLE ${PROGRESS_TABLE} DELETE WHERE topic IN (${list}) SETTINGS mutations_sync = 2`);
  return Number(row?.n ?? 0);
}
