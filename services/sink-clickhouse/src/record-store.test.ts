import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@ckt/kafka';
import { storeRecords } from './record-store.ts';

const message = (offset: number, key: string | null, value: string | null, headers: KafkaMessage['headers'] = {}): KafkaMessage =>
  ({ offset: String(offset), key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers, timestamp: '0', attributes: 0 }) as KafkaMessage;

describe('storeRecords', () => {
  it('keeps offset, key, value and headers of every record, nulls and empty values included', () => {
    const messages = [message(5, 'k5', 'v5'), message(6, null, 'v6'), message(7, 'k7', null), message(8, '', ''), message(9, 'k9', 'ü', { h: 'x' })];
    const stored = storeRecords(messages);
    expect(stored.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers])).toEqual([
      ['5', 'k5', 'v5', {}],
      ['6', null, 'v6', {}],
      ['7', 'k7', null, {}],
      ['8', '', '', {}],
      ['9', 'k9', 'ü', { h: 'x' }],
    ]);
  });

  it('copies the bytes: later changes to the fetched buffers do not reach the stored records', () => {
    const fetched = message(1, 'key', 'value');
    const [stored] = storeRecords([fetched]);
    fetched.value?.fill(0);
    fetched.key?.fill(0);
    expect(stored?.value?.toString()).toBe('value');
    expect(stored?.key?.toString()).toBe('key');
  });
});
