import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { EVENT_NAME_HEADER, routeRecord, type SourceRecord } from './route-record.ts';

const names = DEFAULT_TOPIC_NAMES;

function record(value: string | null, extra: Partial<SourceRecord> = {}): SourceRecord {
  return { key: Buffer.from('c-1'), value: value === null ? null : Buffer.from(value), timestamp: '1743108517000', headers: {}, ...extra };
}

const sale = JSON.stringify({
  event_id: 7,
  event_name: 'ticket_sale',
  event_timestamp: '2025-03-27T20:48:37',
  payload: { ticket_id: 't-1', checkout_id: 'c-1', email: 'secret@example.com' },
});

describe('routeRecord', () => {
  it('sends a catalog event to its family topic unchanged, adding the event_name header', () => {
    const source = record(sale, { headers: { traceparent: 'abc' } });
    const decision = routeRecord(source, names);
    expect(decision).toEqual({
      ok: true,
      topic: 'checkout.events.ticket',
      eventName: 'ticket_sale',
      message: { key: source.key, value: source.value, timestamp: '1743108517000', headers: { traceparent: 'abc', [EVENT_NAME_HEADER]: 'ticket_sale' } },
    });
  });

  it('maps every family through the catalog', () => {
    const topicOf = (eventName: string) => {
      const decision = routeRecord(record(JSON.stringify({ event_id: 'e', event_name: eventName, event_timestamp: 0, payload: {} })), names);
      return decision.ok ? decision.topic : decision.reason;
    };
    expect(topicOf('checkout_abandoned')).toBe('checkout.events.checkout');
    expect(topicOf('payment_failed')).toBe('checkout.events.payment');
    expect(topicOf('customer_updated')).toBe('checkout.events.customer');
    expect(topicOf('attraction_created')).toBe('checkout.events.attraction');
    expect(topicOf('ticket_refunded')).toBe('checkout.events.ticket');
  });

  it('keys an unkeyed record as the bridge would (checkout_id first)', () => {
    const decision = routeRecord(record(sale, { key: null }), names);
    expect(decision.ok && decision.message.key).toBe('c-1');
  });

  it('dead-letters unparsable JSON and empty records without quoting the value', () => {
    const broken = routeRecord(record('{"event_id": "secret-value'), names);
    expect(broken).toEqual({ ok: false, reason: 'invalid_json', message: 'value: not valid JSON' });
    expect(routeRecord(record(null), names)).toMatchObject({ ok: false, reason: 'invalid_json' });
  });

  it('dead-letters an invalid envelope, naming the field', () => {
    const decision = routeRecord(record(JSON.stringify({ event_id: 1, event_name: 'ticket_sale', event_timestamp: 'yesterday', payload: {} })), names);
    expect(decision).toMatchObject({ ok: false, reason: 'invalid_envelope' });
    expect(!decision.ok && decision.message).toMatch(/^event_timestamp: /);
    expect(!decision.ok && decision.message).not.toContain('yesterday');
    expect(routeRecord(record('[1,2]'), names)).toMatchObject({ ok: false, reason: 'invalid_envelope' });
  });

  it('dead-letters a well-formed event name that is not in the catalog', () => {
    const decision = routeRecord(record(JSON.stringify({ event_id: 1, event_name: 'ticket_resold', event_timestamp: 0, payload: {} })), names);
    expect(decision).toEqual({ ok: false, reason: 'unknown_event_name', message: 'event_name: ticket_resold is not in the event catalog' });
  });

  it('uses configured family topic names', () => {
    const decision = routeRecord(record(sale), { ...names, familyPrefix: 'stage.' });
    expect(decision.ok && decision.topic).toBe('stage.ticket');
  });
});
