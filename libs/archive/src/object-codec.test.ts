import { describe, expect, it } from 'vitest';
import { gunzip, gzipDeterministicAsync } from './gzip.ts';
import { decodeArchiveObject, encodeArchiveObject } from './object-codec.ts';
import { toArchiveLine } from './record-line.ts';

const lines = Array.from({ length: 50 }, (_, i) =>
  toArchiveLine('checkout.events.raw', 1, { offset: String(i), timestamp: String(1_700_000_000_000 + i), key: Buffer.from(`k${i}`), value: Buffer.from(`{"n":${i}}`) }),
);

describe('archive objects', () => {
  it('are gzip NDJSON, byte-identical for the same records', async () => {
    const body = encodeArchiveObject(lines);
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(encodeArchiveObject(structuredClone(lines))).toEqual(body);
    expect(await gzipDeterministicAsync(gunzip(body))).toEqual(body);
    expect(body[9]).toBe(0xff); // OS byte fixed, whatever platform wrote it
    const text = gunzip(body).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(51);
  });

  it('decode back to the records in offset order', () => {
    const records = decodeArchiveObject(encodeArchiveObject(lines));
    expect(records.map((r) => r.offset)).toEqual(lines.map((l) => l.offset));
    expect(records[7]?.value?.toString()).toBe('{"n":7}');
  });
});
