import { describe, expect, it } from 'vitest';
import { parseArchiveLine, serialiseLine, toArchiveLine } from './record-line.ts';

const NOT_UTF8 = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);

describe('archive lines', () => {
  it('keeps text as text and every header, in a fixed field order', () => {
    const line = toArchiveLine('checkout.dlq', 2, {
      offset: '17',
      timestamp: String(Date.parse('2025-03-27T20:48:37.123Z')),
      key: Buffer.from('c-1'),
      value: Buffer.from('{"event_id":"e1"}'),
      headers: { 'dlq.reason': Buffer.from('invalid_json'), 'dlq.source.partition': Buffer.from('0') },
    });
    expect(serialiseLine(line)).toBe(
      '{"topic":"checkout.dlq","partition":2,"offset":"17","timestamp":"2025-03-27T20:48:37.123Z",' +
        '"key":"c-1","key_base64":false,"value":"{\\"event_id\\":\\"e1\\"}","value_base64":false,' +
        '"headers":{"dlq.reason":"invalid_json","dlq.source.partition":"0"},"headers_base64":[]}\n',
    );
  });

  it('stores bytes that are not UTF-8 as base64 with a flag, and restores them exactly', () => {
    const line = toArchiveLine('dwh.fact_payment', 0, {
      offset: '5',
      timestamp: '0',
      key: NOT_UTF8,
      value: NOT_UTF8,
      headers: { bin: NOT_UTF8, repeated: [Buffer.from('a'), NOT_UTF8], empty: null },
    });
    expect(line).toMatchObject({ key_base64: true, value_base64: true, value: NOT_UTF8.toString('base64'), headers_base64: ['bin', 'repeated'] });
    const back = parseArchiveLine(serialiseLine(line));
    expect(back.key).toEqual(NOT_UTF8);
    expect(back.value).toEqual(NOT_UTF8);
    expect(back.headers).toEqual({ bin: NOT_UTF8, repeated: [Buffer.from('a'), NOT_UTF8], empty: null });
  });

  it('keeps null keys and values apart from empty ones', () => {
    const line = toArchiveLine('t', 0, { offset: '0', timestamp: '0', key: null, value: Buffer.alloc(0) });
    expect(line).toMatchObject({ key: null, value: '', headers: {} });
    const back = parseArchiveLine(serialiseLine(line));
    expect(back.key).toBeNull();
    expect(back.value).toEqual(Buffer.alloc(0));
  });

  it('keeps a header named __proto__ as data', () => {
    const back = parseArchiveLine(serialiseLine(toArchiveLine('t', 0, { offset: '0', timestamp: '0', key: null, value: null, headers: { ['__proto__']: 'x' } })));
    expect(Object.keys(back.headers)).toEqual(['__proto__']);
  });

  it('names the malformed fields of a line that is not an archive line', () => {
    expect(() => parseArchiveLine('{"topic":"t","partition":"0"}')).toThrow(/partition, offset, timestamp/);
  });
});
