/** The value stored under a source id in the compacted cursor topic. */
export interface CursorRecord {
  /** Format version of this value. */
  v: 1;
  source: string;
  /** Pass as `since` to get the events after the last published page. */
  cursor: string;
  /** When the page ending here was acknowledged by the broker. */
  updated_at: string;
  /** Events in that page (for operators reading the topic). */
  page_events: number;
}

export function encodeCursor(source: string, cursor: string, pageEvents: number, now: Date = new Date()): string {
  const record: CursorRecord = { v: 1, source, cursor, updated_at: now.toISOString(), page_events: pageEvents };
  return JSON.stringify(record);
}

/**
 * Decodes a cursor record value. A tombstone (null value) resets the source to the beginning (undefined); a
 * value this version cannot read is an error rather than a silent restart from the beginning.
 */
export function decodeCursor(value: Buffer | string | null): CursorRecord | undefined {
  if (value === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new Error('cursor record is not JSON');
  }
  const record = parsed as Partial<CursorRecord> | null;
  if (typeof record !== 'object' || record === null || record.v !== 1 || typeof record.cursor !== 'string' || typeof record.source !== 'string') {
    throw new Error('cursor record has an unknown format (expected {"v":1,"source","cursor",...})');
  }
  return {
    v: 1,
    source: record.source,
    cursor: record.cursor,
    updated_at: String(record.updated_at ?? ''),
    page_events: Number(record.page_events ?? 0),
  };
}
