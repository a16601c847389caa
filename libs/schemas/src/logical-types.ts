import avsc from 'avsc';

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

const MS_PER_DAY = 86_400_000;
const UTC_ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function attributes(schema: LogicalTypeSchema): SchemaAttributes {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as unknown as SchemaAttributes) : {};
}

/** bytes/fixed decimal: the unscaled value as big-endian two's complement, shortest form. */
export class DecimalType extends types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly pattern: RegExp;

  constructor(schema: LogicalTypeSchema, opts?: unknown) {
    super(schema, opts);
    const { precision, scale = 0 } = attributes(schema);
    if (!Number.isInteger(precision) || (precision as number) < 1) throw new Error('decimal: precision must be a positive integer');
    if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number)) {
      throw new Error('decimal: scale must be an integer between 0 and precision');
    }
    this.precision = precision as number;
    this.scale = scale as number;
    this.pattern = this.scale === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+(?:\\.\\d{1,${this.scale}})?$`);
  }

  protected override _fromValue(bytes: Buffer): string {
    return formatDecimal(bytesToBigInt(bytes), this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string' || !this.pattern.test(value)) return undefined;
    const negative = value.startsWith('-');
    const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
    const digits = (whole + fraction.padEnd(this.scale, '0')).replace(/^0+(?=\d)/, '');
    if (digits.length > this.precision) return undefined;
    const unscaled = BigInt(digits);
    return bigIntToBytes(negative ? -unscaled : unscaled);
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
  protected override _fromValue(millis: number): string {
    return new Date(millis).toISOString();
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string' || !UTC_ISO_MS.test(value)) return undefined;
    const millis = Date.parse(value);
    // Date.parse accepts 2025-02-30 and rolls it over: require the round trip to be exact.
    return Number.isNaN(millis) || new Date(millis).toISOString() !== value ? undefined : millis;
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
    return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined;
    const millis = Date.parse(`${value}T00:00:00.000Z`);
    if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== value) return undefined;
    return millis / MS_PER_DAY;
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

function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
