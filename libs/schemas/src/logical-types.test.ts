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
