import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroOptions } from './row-type.ts';

const typeOf = (schema: unknown) => avsc.Type.forSchema(schema as Parameters<typeof avsc.Type.forSchema>[0], avroOptions());
const decimalType = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 });
const timestampType = typeOf({ type: 'long', logicalType: 'timestamp-millis' });
const dateType = typeOf({ type: 'int', logicalType: 'date' });
const rawBytes = typeOf('bytes');
const rawLong = typeOf('long');
const rawInt = typeOf('int');

describe('decimal', () => {
  it.each([
    ['0.00', '00'],
    ['0.05', '05'],
    ['1.27', '7f'],
    ['1.28', '0080'],
    ['12.34', '04d2'],
    ['-0.01', 'ff'],
    ['-1.28', '80'],
    ['-1.29', 'ff7f'],
    ['9999999999999999.99', '0de0b6b3a763ffff'],
  ])('%s <-> two\'s complement 0x%s', (value, hex) => {
    const encoded = decimalType.toBuffer(value);
    expect(rawBytes.fromBuffer(encoded).toString('hex')).toBe(hex);
    expect(decimalType.fromBuffer(encoded)).toBe(value);
  });

  it('pads fewer decimals to the scale', () => {
    expect(decimalType.fromBuffer(decimalType.toBuffer('12.3'))).toBe('12.30');
    expect(decimalType.fromBuffer(decimalType.toBuffer('7'))).toBe('7.00');
  });

  it('decodes bytes written by other producers (e.g. Java BigDecimal)', () => {
    expect(decimalType.fromBuffer(rawBytes.toBuffer(Buffer.from('000004d2', 'hex')))).toBe('12.34');
    expect(decimalType.fromBuffer(rawBytes.toBuffer(Buffer.alloc(0)))).toBe('0.00');
  });

  it.each([['12.345'], ['1e3'], ['12,34'], [''], ['10000000000000000.00'], [12.34], [null]])('refuses %j', (value) => {
    expect(decimalType.isValid(value)).toBe(false);
    expect(() => decimalType.toBuffer(value)).toThrow();
  });

  it('needs a valid precision and scale (else, per the Avro spec, the field is plain bytes)', () => {
    const strict = (schema: unknown) =>
      avsc.Type.forSchema(schema as Parameters<typeof avsc.Type.forSchema>[0], { ...avroOptions(), assertLogicalTypes: true });
    expect(() => strict({ type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 })).toThrow(/scale/);
    expect(() => strict({ type: 'bytes', logicalType: 'decimal' })).toThrow(/precision/);
    expect(typeOf({ type: 'bytes', logicalType: 'decimal' }).typeName).toBe('bytes');
  });
});

describe('timestamp-millis', () => {
  it('maps UTC ISO strings with milliseconds to epoch milliseconds and back', () => {
    const encoded = timestampType.toBuffer('2025-03-27T20:48:37.123Z');
    expect(rawLong.fromBuffer(encoded)).toBe(1743108517123);
    expect(timestampType.fromBuffer(encoded)).toBe('2025-03-27T20:48:37.123Z');
    expect(timestampType.fromBuffer(rawLong.toBuffer(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it.each([['2025-03-27T20:48:37Z'], ['2025-03-27T20:48:37.123+00:00'], ['2025-02-30T00:00:00.000Z'], [1743108517123], [null]])('refuses %j', (value) => {
    expect(timestampType.isValid(value)).toBe(false);
  });

  it('reads a plain long written by an older schema', () => {
    const resolver = timestampType.createResolver(rawLong);
    expect(timestampType.fromBuffer(rawLong.toBuffer(1743108517123), resolver)).toBe('2025-03-27T20:48:37.123Z');
  });
});

describe('date', () => {
  it('maps YYYY-MM-DD to days since the epoch and back', () => {
    const encoded = dateType.toBuffer('2025-03-27');
    expect(rawInt.fromBuffer(encoded)).toBe(20174);
    expect(dateType.fromBuffer(encoded)).toBe('2025-03-27');
    expect(dateType.fromBuffer(dateType.toBuffer('1970-01-01'))).toBe('1970-01-01');
    expect(dateType.fromBuffer(dateType.toBuffer('2149-06-06'))).toBe('2149-06-06');
  });

  it.each([['2025-02-29'], ['2025-3-27'], ['2025-03-27T00:00:00.000Z'], [20174]])('refuses %j', (value) => {
    expect(dateType.isValid(value)).toBe(false);
  });
});

describe('nullable logical fields', () => {
  it('take null or the value, unwrapped', () => {
    const record = typeOf({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'amount', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 }], default: null },
        { name: 'at', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
      ],
    });
    for (const value of [
      { amount: null, at: null },
      { amount: '1.50', at: '2025-03-27T20:48:37.000Z' },
    ]) {
      expect({ ...record.fromBuffer(record.toBuffer(value)) }).toEqual(value);
    }
  });
});

describe('fast paths agree with exact BigInt arithmetic', () => {
  const wide = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 4 });
  const whole = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 5, scale: 0 });

  /** Reference: the unscaled BigInt of a valid decimal text, as two's complement bytes. */
  function referenceHex(text: string, scale: number): string {
    const negative = text.startsWith('-');
    const [w = '0', f = ''] = (negative ? text.slice(1) : text).split('.');
    let value = BigInt(w + f.padEnd(scale, '0'));
    if (negative) value = -value;
    let length = 1;
    while (value < -(1n << BigInt(length * 8 - 1)) || value >= 1n << BigInt(length * 8 - 1)) length++;
    const unsigned = value < 0n ? value + (1n << BigInt(length * 8)) : value;
    return unsigned.toString(16).padStart(length * 2, '0');
  }

  it('encodes and decodes decimals of every size, sign and scale', () => {
    const texts = ['0', '-0', '0.0001', '-0.0001', '00012.5', '-00.0000', '140737488355.3279', '140737488355.3280', '-140737488355.3280', '-140737488355.3281'];
    for (let digits = 1; digits <= 34; digits++) {
      const body = '9876543210'.repeat(4).slice(0, digits);
      for (const fraction of ['', '.1', '.12', '.123', '.1234']) texts.push(body + fraction, `-${body}${fraction}`);
    }
    for (const text of texts) {
      const encoded = wide.toBuffer(text);
      expect(rawBytes.fromBuffer(encoded).toString('hex'), text).toBe(referenceHex(text, 4));
      const [w = '', f = ''] = text.replace('-', '').split('.');
      const canonical = `${BigInt(w)}.${f.padEnd(4, '0')}`;
      const isZero = /^0\.0+$/.test(canonical);
      expect(wide.fromBuffer(encoded), text).toBe(text.startsWith('-') && !isZero ? `-${canonical}` : canonical);
    }
  });

  it('checks precision by significant digits, leading zeros not counted', () => {
    expect(whole.isValid('99999')).toBe(true);
    expect(whole.isValid('0099999')).toBe(true);
    expect(whole.isValid('100000')).toBe(false);
    expect(whole.isValid('1.5')).toBe(false);
    expect(decimalType.isValid('0.00')).toBe(true);
    expect(decimalType.isValid('-.5')).toBe(false);
    expect(decimalType.isValid('5.')).toBe(false);
    expect(decimalType.isValid('+5')).toBe(false);
    expect(decimalType.isValid('-')).toBe(false);
  });

  it('reads timestamps and dates across the whole 4-digit-year range', () => {
    for (const ms of [0, -1, 1_743_108_517_123, -62_167_219_200_000, 253_402_300_799_999]) {
      const text = new Date(ms).toISOString();
      expect(timestampType.fromBuffer(rawLong.toBuffer(ms))).toBe(text);
      expect(rawLong.fromBuffer(timestampType.toBuffer(text))).toBe(ms);
    }
    for (const days of [0, -1, 20_174, -719_528, 2_932_896]) {
      const text = new Date(days * 86_400_000).toISOString().slice(0, 10);
      expect(dateType.fromBuffer(rawInt.toBuffer(days))).toBe(text);
      expect(rawInt.fromBuffer(dateType.toBuffer(text))).toBe(days);
    }
  });
});
