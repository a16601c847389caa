import type avsc from 'avsc';
import { isoDateFromDays, isoFromEpochMs, type TableSpec } from '@ckt/domain';
import { DateType, DecimalType, decimalText, TimestampMillisType } from '@ckt/schemas';

/**
 * Avro record body -> JSONCompactEachRow line, without decoding into objects: the table's columns in order
 * (values of the writer's fields by name, null for columns the writer lacks), then the Kafka partition and
 * offset (the lineage columns). The same text as decoding with avsc and serializing with createRowSerializer,
 * at a fraction of the allocations. Only for writer schemas of scalar fields (null, boolean, int, long, float,
 * double, string, decimal, timestamp-millis, date, and unions of null with one of them) whose field order
 * follows the table's; `createAvroLineReader` answers undefined for anything else (the caller decodes).
 */
export interface AvroLineReader {
  /** The line of one record body (the Avro binary after the wire-format header). Throws like avsc's fromBuffer. */
  read(body: Buffer, partition: number, offset: string): string;
  /** Epoch ms of the table's version column in the last line read (undefined when null or no version column). */
  readonly versionMs: number | undefined;
}

type Kind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'decimal' | 'timestamp' | 'date';

interface FieldStep {
  kind: Kind;
  /** For a union with null: the branch index of null (the other branch is `kind`); -1 when not a union. */
  nullBranch: number;
  scale: number;
  /** Table columns without a writer field, written as null before this field's value. */
  nullsBefore: number;
  /** False for writer fields the table does not have: read past, not written. */
  written: boolean;
  isVersion: boolean;
}

const SCALAR_KINDS = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'string']);

function kindOf(type: avsc.Type): Kind | undefined {
  if (type instanceof DecimalType) return 'decimal';
  if (type instanceof TimestampMillisType) return 'timestamp';
  if (type instanceof DateType) return 'date';
  return SCALAR_KINDS.has(type.typeName) ? (type.typeName as Kind) : undefined;
}

/** A reader for records of `writerType` into rows of `table`, or undefined when the schema needs full decoding. */
export function createAvroLineReader(writerType: avsc.Type, table: TableSpec): AvroLineReader | undefined {
  if (writerType.typeName !== 'record') return undefined;
  const fields = (writerType as unknown as { fields: { name: string; type: avsc.Type }[] }).fields;
  const columns = table.columns.map((column) => column.name);
  const steps: FieldStep[] = [];
  let nextColumn = 0;
  for (const field of fields) {
    let type = field.type;
    let nullBranch = -1;
    if (type.typeName === 'union:unwrapped') {
      const branches = (type as unknown as { types: avsc.Type[] }).types;
      const nullAt = branches.findIndex((branch) => branch.typeName === 'null');
      if (branches.length !== 2 || nullAt < 0) return undefined;
      nullBranch = nullAt;
      type = branches[1 - nullAt] as avsc.Type;
    }
    const kind = kindOf(type);
    if (kind === undefined) return undefined;
    const column = columns.indexOf(field.name);
    // A field before a column already written: the orders differ, the line cannot be written in one pass.
    if (column >= 0 && column < nextColumn) return undefined;
    const isVersion = column >= 0 && field.name === table.version;
    if (isVersion && kind !== 'timestamp') return undefined;
    steps.push({ kind, nullBranch, scale: type instanceof DecimalType ? type.scale : 0, nullsBefore: column >= 0 ? column - nextColumn : 0, written: column >= 0, isVersion });
    if (column >= 0) nextColumn = column + 1;
  }
  return new LineReader(steps, columns.length - nextColumn);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NULL_TEXT = Buffer.from('null');
const TRUE_TEXT = Buffer.from('true');
const FALSE_TEXT = Buffer.from('false');

class LineReader implements AvroLineReader {
  versionMs: number | undefined;
  private input: Buffer = Buffer.alloc(0);
  private at = 0;
  private out = Buffer.allocUnsafe(4096);
  private length = 0;
  private ascii = true;
  private timestampSecond = Number.NaN;
  /** `YYYY-MM-DDTHH:MM:SS.` of timestampSecond. */
  private readonly timestampPrefix = Buffer.alloc(20);

  constructor(
    private readonly steps: readonly FieldStep[],
    private readonly nullsAfter: number,
  ) {}

  read(body: Buffer, partition: number, offset: string): string {
    this.input = body;
    this.at = 0;
    this.length = 0;
    this.ascii = true;
    this.versionMs = undefined;
    this.byte(0x5b); // [
    for (const step of this.steps) {
      for (let i = 0; i < step.nullsBefore; i++) this.nullValue();
      if (step.nullBranch >= 0) {
        const branch = this.readLong();
        if (branch !== 0 && branch !== 1) throw new Error(`invalid union index: ${branch}`);
        if (branch === step.nullBranch) {
          if (step.written) this.nullValue();
          continue;
        }
      }
      this.field(step);
    }
    if (this.at > body.length) throw new Error('truncated buffer');
    if (this.at < body.length) throw new Error('trailing data');
    for (let i = 0; i < this.nullsAfter; i++) this.nullValue();
    this.value(String(partition));
    this.value(offset);
    this.byte(0x5d); // ]
    return this.out.toString(this.ascii ? 'latin1' : 'utf8', 0, this.length);
  }

  private field(step: FieldStep): void {
    const { written } = step;
    switch (step.kind) {
      case 'null':
        if (written) this.nullValue();
        return;
      case 'boolean': {
        const value = this.input[this.at++];
        if (written) {
          this.separator();
          this.bytes(value ? TRUE_TEXT : FALSE_TEXT);
        }
        break;
      }
      case 'int':
      case 'long': {
        const value = this.readLong();
        if (step.kind === 'long' && !Number.isSafeInteger(value)) throw new Error('potential precision loss');
        if (written) this.value(String(value));
        break;
      }
      case 'float':
      case 'double': {
        const size = step.kind === 'float' ? 4 : 8;
        const start = this.at;
        this.at += size;
        if (this.at > this.input.length) throw new Error('truncated buffer');
        const value = size === 4 ? this.input.readFloatLE(start) : this.input.readDoubleLE(start);
        if (written) this.value(Number.isFinite(value) ? String(value) : 'null');
        break;
      }
      case 'string': {
        const end = this.span();
        if (written) this.stringValue(this.at, end);
        this.at = end;
        break;
      }
      case 'decimal': {
        const end = this.span();
        if (written) this.quoted(decimalText(this.input, step.scale, this.at, end));
        this.at = end;
        break;
      }
      case 'timestamp': {
        const ms = this.readLong();
        if (!Number.isSafeInteger(ms)) throw new Error('potential precision loss');
        if (step.isVersion) this.versionMs = ms;
        if (written) this.timestamp(ms);
        break;
      }
      case 'date': {
        const days = this.readLong();
        if (written) this.quoted(isoDateFromDays(days));
        break;
      }
    }
    if (this.at > this.input.length) throw new Error('truncated buffer');
  }

  /** Zig-zag varint, as avsc's Tap.readLong (past the end reads as zero bits; the caller checks the bound). */
  private readLong(): number {
    const input = this.input;
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = input[this.at++] ?? 0;
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 28);
    if (b & 0x80) {
      let f = n;
      let factor = 268_435_456;
      do {
        b = input[this.at++] ?? 0;
        f += (b & 0x7f) * factor;
        factor *= 128;
      } while (b & 0x80);
      return (f % 2 ? -(f + 1) : f) / 2;
    }
    return (n >> 1) ^ -(n & 1);
  }

  /** End of a length-prefixed string or bytes starting here; moves past the length. */
  private span(): number {
    const length = this.readLong();
    if (length < 0) throw new Error('truncated buffer');
    const end = this.at + length;
    if (end > this.input.length) throw new Error('truncated buffer');
    return end;
  }

  private stringValue(start: number, end: number): void {
    const input = this.input;
    this.separator();
    this.reserve(end - start + 2);
    const out = this.out;
    let at = this.length;
    out[at++] = QUOTE;
    for (let i = start; i < end; i++) {
      const b = input[i] as number;
      if (b < 0x20 || b === QUOTE || b === BACKSLASH || b >= 0x80) {
        // Escapes or non-ASCII text: exactly what JSON.stringify writes for the decoded string.
        this.textValue(JSON.stringify(input.toString('utf8', start, end)));
        return;
      }
      out[at++] = b;
    }
    out[at++] = QUOTE;
    this.length = at;
  }

  private timestamp(ms: number): void {
    const second = Math.floor(ms / 1000);
    if (ms < 0 || ms > 253_402_300_799_999) {
      this.quoted(isoFromEpochMs(ms));
      return;
    }
    if (second !== this.timestampSecond) {
      this.timestampPrefix.write(isoFromEpochMs(second * 1000), 0, 20, 'latin1');
      this.timestampSecond = second;
    }
    this.separator();
    this.reserve(26);
    const out = this.out;
    let at = this.length;
    out[at++] = QUOTE;
    at += this.timestampPrefix.copy(out, at);
    const millis = ms - second * 1000;
    out[at++] = 0x30 + Math.floor(millis / 100);
    out[at++] = 0x30 + (Math.floor(millis / 10) % 10);
    out[at++] = 0x30 + (millis % 10);
    out[at++] = 0x5a; // Z
    out[at++] = QUOTE;
    this.length = at;
  }

  private nullValue(): void {
    this.separator();
    this.bytes(NULL_TEXT);
  }

  private value(text: string): void {
    this.separator();
    this.text(text);
  }

  private quoted(text: string): void {
    this.separator();
    this.byte(QUOTE);
    this.text(text);
    this.byte(QUOTE);
  }

  /** JSON text that may hold non-ASCII characters, written as UTF-8. */
  private textValue(json: string): void {
    const size = Buffer.byteLength(json, 'utf8');
    this.reserve(size);
    this.length += this.out.write(json, this.length, size, 'utf8');
    if (size !== json.length) this.ascii = false;
  }

  private separator(): void {
    if (this.length > 1) this.byte(COMMA);
  }

  /** ASCII text (numbers, dates, decimals, offsets). */
  private text(text: string): void {
    this.reserve(text.length);
    this.length += this.out.write(text, this.length, 'latin1');
  }

  private bytes(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.length += bytes.copy(this.out, this.length);
  }

  private byte(value: number): void {
    this.reserve(1);
    this.out[this.length++] = value;
  }

  private reserve(size: number): void {
    if (this.length + size <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.length + size));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }
}
