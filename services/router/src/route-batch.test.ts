import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { DLQ_HEADER, type KafkaMessage } from '@ckt/kafka';
import { routeBatch } from './route-batch.ts';

const names = DEFAULT_TOPIC_NAMES;

function message(offset: number, key: string, value: string): KafkaMessage {
  return {
    key: Buffer.from(key),
    value: Buffer.from(value),
    timestamp: '1743108517000',
    attributes: 0,
    offset: String(offset),
    headers: { origin: 'bridge' },
  };
}

const event = (eventName: string, seq: number) =>
  JSON.stringify({ event_id: `e-${seq}`, event_name: eventName, event_timestamp: '2025-03-27T20:48:37Z', payload: { checkout_id: 'c', seq } });

describe('routeBatch', () => {
  it('groups a batch by family topic in source order and dead-letters the rest with their source', () => {
    const failedAt = new Date('2025-03-28T00:00:00.000Z');
    const batch = {
      topic: 'checkout.events.raw',
      partition: 3,
      messages: [
        message(10, 'c', event('checkout_started', 1)),
        message(11, 'c', event('ticket_sale', 2)),
        message(12, 'c', 'not json'),
        message(13, 'c', event('checkout_completed', 3)),
        message(14, 'c', event('no_such_event', 4)),
      ],
    };
    const outbox = routeBatch(batch, names, { service: 'router', failedAt });
    const byTopic = Object.fromEntries(outbox.topicMessages().map((t) => [t.topic, t.messages]));

    expect(Object.keys(byTopic).sort()).toEqual(['checkout.dlq', 'checkout.events.checkout', 'checkout.events.ticket']);
    const seqOf = (value: unknown) => (JSON.parse(String(value)) as { payload: { seq: number } }).payload.seq;
    expect(byTopic['checkout.events.checkout']?.map((m) => seqOf(m.value))).toEqual([1, 3]);
    expect(byTopic['checkout.events.ticket']?.map((m) => seqOf(m.value))).toEqual([2]);

    const dead = byTopic['checkout.dlq'] ?? [];
    expect(dead.map((m) => m.headers?.[DLQ_HEADER.reason])).toEqual(['invalid_json', 'unknown_event_name']);
    expect(dead[0]?.value).toEqual(Buffer.from('not json'));
    expect(dead[0]?.key).toEqual(Buffer.from('c'));
    expect(dead[0]?.headers).toMatchObject({
      origin: 'bridge',
      [DLQ_HEADER.stage]: 'router',
      [DLQ_HEADER.service]: 'router',
      [DLQ_HEADER.sourceTopic]: 'checkout.events.raw',
      [DLQ_HEADER.sourcePartition]: '3',
      [DLQ_HEADER.sourceOffset]: '12',
      [DLQ_HEADER.failedAt]: '2025-03-28T00:00:00.000Z',
    });

    expect(Object.fromEntries(outbox.outputCounts())).toEqual({ 'checkout.events.checkout': 2, 'checkout.events.ticket': 1 });
    expect(Object.fromEntries(outbox.deadLetterCounts())).toEqual({ invalid_json: 1, unknown_event_name: 1 });
  });
});
