import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { encodeToWireFormat, fromWireFormat, toWireFormat } from './wire-format.ts';

describe('encodeToWireFormat', () => {
  const type = avsc.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'text', type: 'string' }, { name: 'n', type: 'long' }] });

  it('is the header followed by toBuffer, for small records and ones larger than the scratch buffer', () => {
    for (const text of ['', 'abc', 'x'.repeat(20_000), 'ü'.repeat(100_000), 'short again']) {
      const value = { text, n: text.length };
      const record = encodeToWireFormat(type, 7, value);
      expect(record.equals(toWireFormat(7, type.toBuffer(value)))).toBe(true);
      expect(type.fromBuffer(fromWireFormat(record).body)).toEqual(value);
    }
  });

  it('throws for a value that does not fit the type', () => {
    expect(() => encodeToWireFormat(type, 7, { text: 1, n: 2 })).toThrow();
  });
});
