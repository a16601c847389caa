/**
 * What a failed warehouse statement means for the caller:
 * - `rejected`: ClickHouse refused the data itself (a value it cannot parse or store). Retrying the same rows
 *   fails again; the sink isolates the offending rows and dead-letters them.
 * - `transient`: anything else — server down, timeouts, too many parts, memory, missing table or grant. Retried
 *   with backoff; nothing is skipped (a permanent misconfiguration shows up as a stalled partition and retries).
 */
export type WarehouseErrorKind = 'rejected' | 'transient';

/** ClickHouse error codes caused by the inserted values (src/Common/ErrorCodes.cpp). */
const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  407, // DECIMAL_OVERFLOW
  467, // CANNOT_PARSE_BOOL
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/** Code and type of a ClickHouseError (`code` is the numeric code as a string), else undefined. */
function clickhouseErrorCode(error: unknown): { code: number; type: string | undefined } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, type } = error as { code?: unknown; type?: unknown };
  const numeric = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : typeof code === 'number' ? code : undefined;
  if (numeric === undefined) return undefined;
  return { code: numeric, type: typeof type === 'string' ? type : undefined };
}

export function classifyWarehouseError(error: unknown): WarehouseErrorKind {
  const ch = clickhouseErrorCode(error);
  return ch && DATA_ERROR_CODES.has(ch.code) ? 'rejected' : 'transient';
}

/**
 * A one-line description safe for logs, metrics and dead-letter headers. ClickHouse messages quote the
 * offending input (payload values), so only the code, type and column name are kept.
 */
export function describeWarehouseError(error: unknown): string {
  const ch = clickhouseErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // Errors without a ClickHouse code come from the client or the network (no row data in them).
  if (!ch) return message.split('\n')[0]?.slice(0, 200) ?? 'error';
  const column = /value of key ([A-Za-z0-9_]+)/.exec(message)?.[1] ?? /column ([A-Za-z0-9_]+)/i.exec(message)?.[1];
  return `ClickHouse error ${ch.code}${ch.type ? ` ${ch.type}` : ''}${column ? ` (column ${column})` : ''}`;
}

/** A short label for metrics: the ClickHouse error type, or the connection error code. */
export function warehouseErrorLabel(error: unknown): string {
  const ch = clickhouseErrorCode(error);
  if (ch) return ch.type ?? `code_${ch.code}`;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'unknown';
}
