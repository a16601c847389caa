import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { TABLES, type RowValues } from '@ckt/domain';
import type { KafkaMessage } from '@ckt/kafka';
import { toWireFormat } from '@ckt/schemas';
import { createAvroLineReader } from '@ckt/warehouse';
import { decodeLines, isRegistryUnavailable, type LineDecoder } from './record-decoder.ts';

const message = (offset: number, value: string | Buffer | null): KafkaMessage =>
  ({ offset: String(offset), key: null, value: value === null || Buffer.isBuffer(value) ? value : Buffer.from(value), headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

/** Decodes the text of a record as `{ id }`; "garbage" and "unknown-id" fail as the registry client would. */
const textDecoder = (overrides: Partial<LineDecoder> = {}): LineDecoder => ({
  readerFor: () => undefined,
  decode: async (value: Buffer) => {
    const text = value.toString();
    if (text === 'garbage') throw Object.assign(new Error('Message encoded with magic byte {"type":"Buffer","data":[103]}'), { name: 'ConfluentSchemaRegistryArgumentError' });
    if (text === 'unknown-id') throw Object.assign(new Error('Schema not found'), { status: 404 });
    return text === 'bigint' ? { id: 1n as unknown as string } : { id: text };
  },
  serialize: (values, offset) => JSON.stringify([values.id, Number(offset)]),
  versionMs: () => 7,
  ...overrides,
});

describe('decodeLines', () => {
  it('dead-letters records that do not decode or serialize (schema_error) and keeps the others in order', async () => {
    const messages = [message(0, 'a'), message(1, 'garbage'), message(2, null), message(3, 'unknown-id'), message(4, 'bigint'), message(5, 'b')];
    const result = await decodeLines(messages, { topic: 't', partition: 1 }, textDecoder());
    expect(result.lines.map((l) => [l.line, l.versionMs, l.message.offset])).toEqual([
      ['["a",0]', 7, '0'],
      ['["b",5]', 7, '5'],
    ]);
    expect(result.deadLetters.map((d) => [d.source?.offset, d.stage, d.reason])).toEqual([
      ['1', 'sink', 'schema_error'],
      ['2', 'sink', 'schema_error'],
      ['3', 'sink', 'schema_error'],
      ['4', 'sink', 'schema_error'],
    ]);
    for (const letter of result.deadLetters) expect(letter.message).not.toMatch(/garbage|103/);
  });

  it('throws when the registry is unreachable, so the batch is retried instead of dead-lettered', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { status: 400 });
    await expect(decodeLines([message(0, 'a')], { topic: 't', partition: 0 }, textDecoder({ decode: async () => Promise.reject(down) }))).rejects.toBe(down);
    expect(isRegistryUnavailable({ status: 503 })).toBe(true);
    expect(isRegistryUnavailable({ status: 404 })).toBe(false);
    expect(isRegistryUnavailable(new RangeError('truncated buffer'))).toBe(false);
  });

  it('reads records of a schema with a line reader straight from Avro, without decoding; corrupt ones are dead letters', async () => {
    const type = avsc.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'ticket_id', type: 'string' }, { name: 'event_id', type: 'string' }] });
    const reader = createAvroLineReader(type, TABLES.fact_ticket_sale);
    const record = (values: RowValues) => toWireFormat(9, type.toBuffer(values));
    const good = record({ ticket_id: 't1', event_id: 'e1' });
    const decoder = textDecoder({ readerFor: (id) => (id === 9 ? reader : undefined), decode: () => Promise.reject(new Error('not used')) });
    const result = await decodeLines([message(7, good), message(8, good.subarray(0, good.length - 1))], { topic: 't', partition: 2 }, decoder);
    expect(result.lines.map((l) => l.line)).toEqual(['["t1",null,null,null,null,null,null,null,null,null,null,"e1",2,7]']);
    expect(result.deadLetters.map((d) => [d.source?.offset, d.message])).toEqual([['8', 'the record does not decode with its writer schema (Error)']]);
  });
});
