import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { DLQ_HEADER, type KafkaMessage } from '@ckt/kafka';
import { extractBatch } from './extract-batch.ts';

const context = { names: DEFAULT_TOPIC_NAMES, emailPepper: '', encode: (table: string, values: object) => Buffer.from(JSON.stringify({ table, values })) };

const message = (offset: number, value: unknown): KafkaMessage => ({
  key: Buffer.from('k'),
  value: Buffer.from(JSON.stringify(value)),
  timestamp: '0',
  attributes: 0,
  offset: String(offset),
  headers: { event_name: 'x' },
});

const payment = (status: string, payload: object) => ({ event_id: `p-${status}`, event_name: status, event_timestamp: '2025-03-27T20:48:37Z', payload });

describe('extractBatch', () => {
  it('collects rows per dwh topic in source order and dead letters with source and original headers', () => {
    const outbox = extractBatch(
      {
        topic: 'checkout.events.payment',
        partition: 1,
        messages: [
          message(5, payment('trigger_payment', { transaction_id: 't1', checkout_id: 'c', customer_id: 'u', amount_to_be_charged: 10, currency: 'EUR', payment_processing_system: 'psp' })),
          message(6, payment('payment_failed', { transaction_id: 't1' })),
          message(7, payment('payment_succeeded', { transaction_id: 't1', transaction_amount: '10.00', currency: 'EUR', payment_processing_system: 'psp' })),
        ],
      },
      context,
      { service: 'extractor' },
    );
    const byTopic = Object.fromEntries(outbox.topicMessages().map((t) => [t.topic, t.messages]));
    expect(byTopic['dwh.fact_payment']?.map((m) => m.key)).toEqual(['t1|triggered', 't1|succeeded']);
    const dead = byTopic['checkout.dlq'] ?? [];
    expect(dead).toHaveLength(1);
    expect(dead[0]?.headers).toMatchObject({
      event_name: 'x',
      [DLQ_HEADER.stage]: 'extractor',
      [DLQ_HEADER.reason]: 'invalid_payload',
      [DLQ_HEADER.message]: 'payload.payment_processing_system: required field is missing',
      [DLQ_HEADER.sourceTopic]: 'checkout.events.payment',
      [DLQ_HEADER.sourcePartition]: '1',
      [DLQ_HEADER.sourceOffset]: '6',
    });
    expect(Object.fromEntries(outbox.outputCounts())).toEqual({ 'dwh.fact_payment': 2 });
  });
});
