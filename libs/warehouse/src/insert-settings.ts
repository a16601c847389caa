import type { StatementSettings } from './warehouse.ts';

/** `<topic>:<partition>:<first>-<last>`: the rows of one contiguous offset range of one partition. */
export function insertToken(topic: string, partition: number, firstOffset: string | number, lastOffset: string | number): string {
  return `${topic}:${partition}:${firstOffset}-${lastOffset}`;
}

/**
 * The complete settings of a deduplicated sink insert. Every insert carries all of them in its own SETTINGS
 * clause, so nothing depends on session or profile state (chDB keeps session SETs; a server profile may enable
 * async inserts or lenient parsing):
 * - the token makes a retried insert of the same rows a no-op (tables set non_replicated_deduplication_window);
 * - async_insert = 0: the insert is durable when it returns, which is when the sink commits offsets;
 * - optimize_on_insert = 0: the block is stored as consumed, one row per record (duplicates within a batch are
 *   not collapsed at insert time); collapsing is left to merges and FINAL, so raw counts audit what was written;
 * - strict parsing: a null in a non-nullable column or a malformed value fails the insert (the sink then
 *   isolates and dead-letters the row) instead of being stored as a default.
 */
export function dedupInsertSettings(token: string): StatementSettings {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: token,
    async_insert: 0,
    optimize_on_insert: 0,
    date_time_input_format: 'best_effort',
    input_format_null_as_default: 0,
    input_format_skip_unknown_fields: 0,
    input_format_allow_errors_num: 0,
    input_format_allow_errors_ratio: 0,
  };
}
