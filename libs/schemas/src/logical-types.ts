import avsc from 'avsc';
import { daysFromIsoDate, epochMsFromIso, isoDateFromDays, isoFromEpochMs } from '@ckt/domain';

/**
 * avsc logical types whose in-memory values are exactly the ones @ckt/domain's extraction produces:
 *   decimal          <-> exact decimal string with `scale` decimals ('12.34'), via BigInt (no floats)
 *   timestamp-millis <-> UTC ISO string with milliseconds ('2025-03-27T20:48:37.000Z')
 *   date             <-> 'YYYY-MM-DD'
 * A value of the wrong form is invalid for the type (encode throws, isValid is false) rather than coerced.
 */

const { types, Type } = avsc;
type LogicalTypeSchema = ConstructorParameters<typeof types.LogicalType>[0];
type LogicalTypeClass = new (schema: LogicalTypeSchema, opts?: unknown) => InstanceType<typeof types.LogicalType>;
interface SchemaAttributes {
  [attribute: string]: unknown;
}


function attributes(schema: LogicalTypeSchema): SchemaAttributes {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as unknown as SchemaAttributes) : {};
}

/** bytes/fixed decimal: the unscaled value as big-endian two's complement, shortest form. */
export class DecimalType extends types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  /** The last text encoded: a nullable field's union checks the value before writing it (two conversions). */
  private lastText: string | undefined;
  private lastBytes: Buffer | undefined;

  constructor(schema: LogicalTypeSchema, opts?: unknown) {
    super(schema, opts);
    const { precision, scale = 0 } = attributes(schema);
    if (!Number.isInteger(precision) || (precision as number) < 1) throw new Error('decimal: precision must be a positive integer');
    if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number)) {
      throw new Error('decimal: scale must be an integer between 0 and precision');
    }
    this.precision = precision as number;
    this.scale = scale as number;
  }

  protected override _fromValue(bytes: Buffer): string {
    return decimalText(bytes, this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined;
    if (value === this.lastText) return this.lastBytes;
    const unscaled = parseDecimal(value, this.scale, this.precision);
    const bytes = unscaled === undefined ? undefined : typeof unscaled === 'number' ? smallToBytes(unscaled) : bigIntToBytes(unscaled);
    this.lastText = value;
    this.lastBytes = bytes;
    return bytes;
  }

  protected override _resolve(type: avsc.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale && type.precision <= this.precision) return (value) => value;
    return undefined;
  }

  protected override _export(schema: LogicalTypeSchema): void {
    const exported = attributes(schema);
    exported.precision = this.precision;
    exported.scale = this.scale;
  }
}

/** long timestamp-millis <-> UTC ISO string with milliseconds. */
export class TimestampMillisType extends types.LogicalType {
  private lastText: string | undefined;
  private lastMillis: number | undefined;

  protected override _fromValue(millis: number): string {
    return isoFromEpochMs(millis);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    // Only the exact form; 2025-02-30 and the like are refused (no rolling over).
    if (value !== this.lastText) {
      this.lastMillis = epochMsFromIso(value);
      this.lastText = value;
    }
    return this.lastMillis;
  }

  protected override _resolve(type: avsc.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof TimestampMillisType) return (value) => value;
    if (Type.isType(type, 'long')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/** int date (days since 1970-01-01) <-> 'YYYY-MM-DD'. */
export class DateType extends types.LogicalType {
  protected override _fromValue(days: number): string {
    return isoDateFromDays(days);
  }

  protected override _toValue(value: unknown): number | undefined {
    return typeof value === 'string' ? daysFromIsoDate(value) : undefined;
  }

  protected override _resolve(type: avsc.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DateType) return (value) => value;
    if (Type.isType(type, 'int')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/** The `logicalTypes` option for avsc (and for @kafkajs/confluent-schema-registry's AVRO options). */
export const LOGICAL_TYPES: Readonly<Record<string, LogicalTypeClass>> = {
  decimal: DecimalType,
  'timestamp-millis': TimestampMillisType,
  date: DateType,
};

const DIGIT_0 = 48;

/** The decimal text of `bytes[start, end)` (big-endian two's complement unscaled value) with `scale` decimals. */
export function decimalText(bytes: Buffer, scale: number, start = 0, end = bytes.length): string {
  const length = end - start;
  // Up to 6 bytes (|unscaled| < 2^47) fit a double exactly: no BigInt needed.
  if (length <= 6) return formatDecimal(length === 0 ? 0 : bytes.readIntBE(start, length), scale);
  return formatDecimal(bytesToBigInt(bytes.subarray(start, end)), scale);
}

/**
 * The unscaled value of a plain decimal string (`-?digits[.1..scale digits]`) with at most `precision`
 * significant digits: a number when it is below 2^47 (fits 6 bytes, exact in a double), else a BigInt.
 */
function parseDecimal(text: string, scale: number, precision: number): number | bigint | undefined {
  const negative = text.charCodeAt(0) === 45; // '-'
  let i = negative ? 1 : 0;
  const wholeStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  const wholeEnd = i;
  let fractionEnd = i;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 46 || scale === 0) return undefined; // '.'
    i++;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    fractionEnd = i;
    if (i < text.length || fractionEnd - wholeEnd - 1 < 1 || fractionEnd - wholeEnd - 1 > scale) return undefined;
  }
  if (wholeEnd === wholeStart) return undefined;
  const fractionStart = fractionEnd > wholeEnd ? wholeEnd + 1 : wholeEnd;
  // Significant digits of whole + fraction padded to the scale (leading zeros do not count, one digit always does).
  let firstSignificant = wholeStart;
  while (firstSignificant < wholeEnd && text.charCodeAt(firstSignificant) === DIGIT_0) firstSignificant++;
  let significant = wholeEnd - firstSignificant + scale;
  if (firstSignificant === wholeEnd) {
    let zeros = 0;
    for (let j = fractionStart; j < fractionEnd && text.charCodeAt(j) === DIGIT_0; j++) zeros++;
    significant = zeros === fractionEnd - fractionStart ? 1 : scale - zeros;
  }
  if (significant > precision) return undefined;
  if (significant <= 14) {
    let unscaled = 0;
    for (let j = wholeStart; j < wholeEnd; j++) unscaled = unscaled * 10 + (text.charCodeAt(j) - DIGIT_0);
    for (let j = fractionStart; j < fractionEnd; j++) unscaled = unscaled * 10 + (text.charCodeAt(j) - DIGIT_0);
    unscaled *= 10 ** (scale - (fractionEnd - fractionStart));
    return negative ? -unscaled : unscaled;
  }
  const digits = text.slice(wholeStart, wholeEnd) + text.slice(fractionStart, fractionEnd).padEnd(scale, '0');
  const unscaled = BigInt(digits);
  return negative ? -unscaled : unscaled;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_0 + 9;
}

/** Shortest big-endian two's complement of an integer below 10^14 in magnitude (0 -> one zero byte). */
function smallToBytes(value: number): Buffer {
  let length = 1;
  while (value < -(2 ** (length * 8 - 1)) || value >= 2 ** (length * 8 - 1)) length++;
  const bytes = Buffer.allocUnsafe(length);
  bytes.writeIntBE(value, 0, length);
  return bytes;
}

function bytesToBigInt(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${bytes.toString('hex')}`);
  const negative = ((bytes[0] ?? 0) & 0x80) !== 0;
  return negative ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

/** Shortest big-endian two's complement bytes of a BigInt (0 -> one zero byte). */
function bigIntToBytes(value: bigint): Buffer {
  let length = 1;
  // Smallest byte count whose signed range holds the value.
  while (value < -(1n << BigInt(length * 8 - 1)) || value >= 1n << BigInt(length * 8 - 1)) length++;
  const unsigned = value < 0n ? value + (1n << BigInt(length * 8)) : value;
  return Buffer.from(unsigned.toString(16).padStart(length * 2, '0'), 'hex');
}

function formatDecimal(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
