import { describe, expect, it } from 'vitest';
import { hourSlotOf, objectKey, parseObjectKey } from './layout.ts';

describe('archive key layout', () => {
  it('names objects by topic, UTC date and hour, partition and zero-padded start offset', () => {
    const slot = hourSlotOf(Date.parse('2025-03-27T20:48:37.123Z'));
    expect(slot).toEqual({ date: '2025-03-27', hour: '20' });
    const key = objectKey({ topic: 'checkout.dlq', partition: 3, startOffset: '42', ...slot });
    expect(key).toBe('checkout.dlq/dt=2025-03-27/hour=20/checkout.dlq+3+0000000042.ndjson.gz');
    expect(parseObjectKey(key)).toEqual({ topic: 'checkout.dlq', partition: 3, startOffset: '42', date: '2025-03-27', hour: '20' });
  });

  it('adds the topic id, so a re-created topic (offsets from 0 again) never meets the old keys', () => {
    const id = { topic: 'checkout.events.raw', partition: 0, startOffset: '0', date: '2025-03-27', hour: '20' };
    const first = objectKey({ ...id, topicId: 'sq1cCEjWQCi7WcnSMBT_eg' });
    const again = objectKey({ ...id, topicId: '4MhHP6zURdyy6eD4vX39iQ' });
    expect(first).toBe('checkout.events.raw/dt=2025-03-27/hour=20/checkout.events.raw+0+0000000000+sq1cCEjWQCi7WcnSMBT_eg.ndjson.gz');
    expect(again).not.toBe(first);
    expect(parseObjectKey(first)).toEqual({ ...id, topicId: 'sq1cCEjWQCi7WcnSMBT_eg' });
  });

  it('uses UTC whatever the local zone, and the hour of midnight is 00', () => {
    expect(hourSlotOf(Date.parse('2025-03-28T00:59:59.999+01:00'))).toEqual({ date: '2025-03-27', hour: '23' });
    expect(hourSlotOf(Date.parse('2025-03-28T00:00:00.000Z'))).toEqual({ date: '2025-03-28', hour: '00' });
  });

  it('does not take other files for archive objects', () => {
    expect(parseObjectKey('checkout.dlq/dt=2025-03-27/hour=20/other+3+0000000042.ndjson.gz')).toBeUndefined();
    expect(parseObjectKey('checkout.dlq/dt=2025-03-27/hour=20/checkout.dlq+3+0000000042.json')).toBeUndefined();
    expect(parseObjectKey('readme.txt')).toBeUndefined();
    expect(parseObjectKey('checkout.dlq/dt=2025-03-27/hour=20/checkout.dlq+3+0000000042+short.ndjson.gz')).toBeUndefined();
  });
});
