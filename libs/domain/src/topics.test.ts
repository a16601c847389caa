import { describe, expect, it } from 'vitest';
import { catalogTopics, DEFAULT_TOPIC_NAMES, familyTopic, tableTopic } from './topics.ts';

describe('topics', () => {
  it('builds family and table topics from the prefixes', () => {
    expect(familyTopic(DEFAULT_TOPIC_NAMES, 'payment')).toBe('checkout.events.payment');
    expect(tableTopic(DEFAULT_TOPIC_NAMES, 'fact_ticket_sale')).toBe('dwh.fact_ticket_sale');
    expect(tableTopic({ ...DEFAULT_TOPIC_NAMES, dwhPrefix: 'test.dwh.' }, 'dim_customer')).toBe('test.dwh.dim_customer');
  });

  it('lists every topic of the catalog', () => {
    expect(catalogTopics()).toEqual([
      { name: 'checkout.events.raw', partitions: 6 },
      { name: 'checkout.events.checkout', partitions: 6 },
      { name: 'checkout.events.ticket', partitions: 6 },
      { name: 'checkout.events.payment', partitions: 6 },
      { name: 'checkout.events.customer', partitions: 6 },
      { name: 'checkout.events.attraction', partitions: 6 },
      { name: 'dwh.fact_ticket_sale', partitions: 6 },
      { name: 'dwh.fact_refund', partitions: 6 },
      { name: 'dwh.fact_payment', partitions: 6 },
      { name: 'dwh.fact_checkout', partitions: 6 },
      { name: 'dwh.dim_customer', partitions: 6 },
      { name: 'dwh.dim_attraction', partitions: 6 },
      { name: 'checkout.dlq', partitions: 6 },
      { name: 'checkout.bridge.cursor', partitions: 1, config: { 'cleanup.policy': 'compact' } },
    ]);
  });

  it('uses the given partition count and names', () => {
    const names = { raw: 'r', dlq: 'd', familyPrefix: 'f.', dwhPrefix: 'w.', bridgeCursor: 'c' };
    const topics = catalogTopics(3, names);
    expect(topics.map((t) => t.name)).toContain('f.ticket');
    expect(topics.map((t) => t.name)).toContain('w.fact_refund');
    expect(topics.find((t) => t.name === 'r')?.partitions).toBe(3);
    expect(topics.find((t) => t.name === 'c')?.partitions).toBe(1);
    expect(() => catalogTopics(0)).toThrow(RangeError);
  });
});
