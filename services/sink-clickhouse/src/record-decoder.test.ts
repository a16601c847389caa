import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { decodeRecords, isRegistryUnavailable } from './record-decoder.ts';

const message = (offset: number, value: string | null): KafkaMessage =>
  ({ offset: String(offset), key: null, value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

describe('decodeRecords', () => {
  it('dead-letters records that do not decode (schema_error) and keeps the others in order', async () => {
    const decode = async (value: Buffer) => {
      const text = value.toString();
      if (text === 'garbage') throw Object.assign(new Error('Message encoded with magic byte {"type":"Buffer","data":[103]}'), { name: 'ConfluentSchemaRegistryArgumentError' });
      if (text === 'unknown-id') throw Object.assign(new Error('Schema not found'), { status: 404 });
      return { id: text };
    };
    const result = await decodeRecords([message(0, 'a'), message(1, 'garbage'), message(2, null), message(3, 'unknown-id'), message(4, 'b')], { topic: 't', partition: 1 }, decode);
    expect(result.records.map((r) => r.values)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(result.deadLetters.map((d) => [d.source?.offset, d.stage, d.reason])).toEqual([
      ['1', 'sink', 'schema_error'],
      ['2', 'sink', 'schema_error'],
      ['3', 'sink', 'schema_error'],
    ]);
    for (const letter of result.deadLetters) expect(letter.message).not.toMatch(/garbage|103/);
  });

  it('throws when the registry is unreachable, so the batch is retried instead of dead-lettered', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { status: 400 });
    await expect(decodeRecords([message(0, 'a')], { topic: 't', partition: 0 }, async () => Promise.reject(down))).rejects.toBe(down);
    expect(isRegistryUnavailable({ status: 503 })).toBe(true);
    expect(isRegistryUnavailable({ status: 404 })).toBe(false);
    expect(isRegistryUnavailable(new RangeError('truncated buffer'))).toBe(false);
  });
});
