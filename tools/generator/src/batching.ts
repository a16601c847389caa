import type { GeneratedRecord } from './generator.ts';

/**
 * Cutting the stream into HTTP requests for the bridge (POST /v1/events). A JSON array cannot carry a broken
 * line, so `malformed` records always travel in NDJSON requests; and the bridge refuses (400) an NDJSON body
 * in which no line parses, so a request never holds only malformed records.
 */

export const BODY_FORMATS = ['json', 'ndjson', 'mixed'] as const;
/** json: JSON arrays (broken lines go in NDJSON requests); ndjson: always NDJSON; mixed: alternate. */
export type BodyFormat = (typeof BODY_FORMATS)[number];

const JSON_CONTENT_TYPE = 'application/json';
const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

interface BatchLimits {
  /** Most records in one request. */
  maxRecords: number;
  /** Most body bytes in one request (a single larger record still goes, alone). */
  maxBodyBytes: number;
}

/**
 * How many records from the front of `pending` make the next request; 0 means wait for more (the batch
 * would hold only malformed records and the stream is not finished).
 */
export function nextBatchSize(pending: readonly GeneratedRecord[], limits: BatchLimits, streamFinished: boolean): number {
  let count = 0;
  let bytes = 2;
  let parsable = false;
  for (const record of pending) {
    const size = Buffer.byteLength(record.text) + 1;
    const fits = count < limits.maxRecords && bytes + size <= limits.maxBodyBytes;
    // Past the limits only to give an all-malformed batch a parsable line.
    if (count > 0 && !fits && parsable) break;
    count++;
    bytes += size;
    if (record.kind !== 'malformed') parsable = true;
    if (!fits && parsable) break;
  }
  if (count > 0 && !parsable && !streamFinished) return 0;
  return count;
}

type Framing = 'json' | 'ndjson';

interface BatchPlan {
  /** Records from the front of the pending list (0: wait for more). */
  size: number;
  framing: Framing;
}

/**
 * The next request: `format` and `batchIndex` pick the framing (mixed alternates, starting with JSON). A
 * JSON array stops before the first malformed record; a batch starting with one goes as NDJSON.
 */
export function planBatch(pending: readonly GeneratedRecord[], limits: BatchLimits, streamFinished: boolean, format: BodyFormat, batchIndex: number): BatchPlan {
  const first = pending[0];
  const ndjson = format === 'ndjson' || (format === 'mixed' && batchIndex % 2 === 1) || first?.kind === 'malformed';
  if (ndjson || first === undefined) return { size: nextBatchSize(pending, limits, streamFinished), framing: 'ndjson' };
  let size = 0;
  let bytes = 2;
  for (const record of pending) {
    const recordBytes = Buffer.byteLength(record.text) + 1;
    if (record.kind === 'malformed' || (size > 0 && (size >= limits.maxRecords || bytes + recordBytes > limits.maxBodyBytes))) break;
    size++;
    bytes += recordBytes;
  }
  return { size, framing: 'json' };
}

export interface EncodedBody {
  body: string;
  contentType: string;
}

/** The request body of a batch; a JSON array must hold no malformed record. */
export function encodeBatch(records: readonly GeneratedRecord[], framing: Framing): EncodedBody {
  if (framing === 'ndjson') return { body: `${records.map((record) => record.text).join('\n')}\n`, contentType: NDJSON_CONTENT_TYPE };
  if (records.some((record) => record.kind === 'malformed')) throw new Error('a JSON array cannot carry a malformed record');
  return { body: `[${records.map((record) => record.text).join(',')}]`, contentType: JSON_CONTENT_TYPE };
}
