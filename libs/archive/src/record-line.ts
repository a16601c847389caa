import { isUtf8 } from 'node:buffer';

/** A header value as kafkajs decodes it: repeated header names become arrays; null is a header without value. */
export type RawHeaderValue = Buffer | string | null | undefined;
export type RawHeaders = Record<string, RawHeaderValue | RawHeaderValue[]>;

/** The record as consumed (the fields of a kafkajs KafkaMessage this archive keeps). */
interface SourceRecord {
  offset: string;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: RawHeaders;
}

type LineHeaderValue = string | null;

/**
 * One NDJSON line of an archive object: everything needed to understand and redrive the record. Bytes
 * that are valid UTF-8 are stored as text, anything else as base64 with the flag set (for headers: the
 * header's name is listed in `headers_base64`, and then every value of that header is base64).
 */
export interface ArchiveLine {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka record timestamp, UTC ISO with milliseconds. */
  timestamp: string;
  key: string | null;
  key_base64: boolean;
  value: string | null;
  value_base64: boolean;
  headers: Record<string, LineHeaderValue | LineHeaderValue[]>;
  headers_base64: string[];
}

/** An archived record with its bytes restored. */
export interface ArchivedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function bytesField(value: Buffer | null): { text: string | null; base64: boolean } {
  if (value === null) return { text: null, base64: false };
  if (isUtf8(value)) return { text: value.toString('utf8'), base64: false };
  return { text: value.toString('base64'), base64: true };
}

function isoTimestamp(ms: string): string {
  const n = Number(ms);
  return new Date(Number.isFinite(n) ? n : 0).toISOString();
}

function headerFields(headers: RawHeaders = {}): Pick<ArchiveLine, 'headers' | 'headers_base64'> {
  const base64Names: string[] = [];
  const entries = Object.entries(headers).map(([name, raw]) => {
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (v === null || v === undefined ? null : toBuffer(v)));
    const binary = values.some((v) => v !== null && !isUtf8(v));
    if (binary) base64Names.push(name);
    const encoded = values.map((v) => (v === null ? null : v.toString(binary ? 'base64' : 'utf8')));
    return [name, Array.isArray(raw) ? encoded : (encoded[0] ?? null)] as const;
  });
  // fromEntries defines own properties, so even a header named __proto__ is kept as data.
  return { headers: Object.fromEntries(entries), headers_base64: base64Names };
}

/** The archive line of a record, with a fixed field order so the same record always gives the same text. */
export function toArchiveLine(topic: string, partition: number, record: SourceRecord): ArchiveLine {
  const key = bytesField(record.key);
  const value = bytesField(record.value);
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: isoTimestamp(record.timestamp),
    key: key.text,
    key_base64: key.base64,
    value: value.text,
    value_base64: value.base64,
    ...headerFields(record.headers),
  };
}

export const serialiseLine = (line: ArchiveLine): string => `${JSON.stringify(line)}\n`;

function fromText(text: string | null, base64: boolean): Buffer | null {
  if (text === null) return null;
  return Buffer.from(text, base64 ? 'base64' : 'utf8');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Parses one line back into the record's bytes; throws naming the field when the line is not an archive line. */
export function parseArchiveLine(text: string): ArchivedRecord {
  const line: unknown = JSON.parse(text);
  if (!isObject(line)) throw new Error('archive line is not a JSON object');
  const { topic, partition, offset, timestamp, key, key_base64, value, value_base64, headers, headers_base64 } = line;
  const problems = [
    typeof topic !== 'string' && 'topic',
    typeof partition !== 'number' && 'partition',
    typeof offset !== 'string' && 'offset',
    typeof timestamp !== 'string' && 'timestamp',
    !isNullableString(key) && 'key',
    typeof key_base64 !== 'boolean' && 'key_base64',
    !isNullableString(value) && 'value',
    typeof value_base64 !== 'boolean' && 'value_base64',
    !isObject(headers) && 'headers',
    !(Array.isArray(headers_base64) && headers_base64.every((h) => typeof h === 'string')) && 'headers_base64',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`archive line has missing or malformed fields: ${problems.join(', ')}`);
  const binary = new Set(headers_base64 as string[]);
  const restored = Object.entries(headers as Record<string, unknown>).map(([name, raw]) => {
    const decode = (v: unknown) => {
      if (!isNullableString(v)) throw new Error(`archive line header ${JSON.stringify(name)} is malformed`);
      return fromText(v, binary.has(name));
    };
    return [name, Array.isArray(raw) ? raw.map(decode) : decode(raw)] as const;
  });
  return {
    topic: topic as string,
    partition: partition as number,
    offset: offset as string,
    timestamp: timestamp as string,
    key: fromText(key as string | null, key_base64 as boolean),
    value: fromText(value as string | null, value_base64 as boolean),
    headers: Object.fromEntries(restored),
  };
}
