import { describe, expect, it } from 'vitest';
import { generate } from './generator.ts';
import { expectedOutcome, OutcomeAccumulator } from './outcome.ts';

const env = (eventId: string | number, name: string, ts: string | number, payload: Record<string, unknown>): string =>
  JSON.stringify({ event_id: eventId, event_name: name, event_timestamp: ts, payload });

const customer1 = env('e1', 'customer_registered', '2025-03-27T10:00:00Z', { customer_id: 'C1', email: 'a@example.com' });

/** A small set, worked out by hand below. */
const HAND_SET = [
  customer1,
  customer1, // duplicate delivery
  env(2, 'customer_updated', '2025-03-27T12:00:00+02:00', { customer_id: 'C1', city: 'Aarhus' }), // 10:00:00Z: same valid_from as e1!
  env('e3', 'customer_updated', 1743076800000, { customer_id: 'C1', country: 'DK' }), // 2025-03-27T12:00:00Z
  env('e4', 'ticket_sale', '2025-03-27T10:00:00', { ticket_id: 'T1', checkout_id: 'K1', customer_id: 'C1', attraction_id: 'A1', sales_price: '10.005', currency: 'EUR', day_of_visit: '2025-04-01' }),
  env('e5', 'ticket_sale', '2025-03-27T10:05:00.123456', { ticket_id: 'T1', checkout_id: 'K1', customer_id: 'C1', attraction_id: 'A1', sales_price: 12.5, currency: 'EUR', day_of_visit: '2025-04-01' }),
  env('e6', 'ticket_sale', '2025-03-27T10:00:01Z', { ticket_id: 'T2', checkout_id: 'K1', customer_id: 'C1', attraction_id: 'A1', sales_price: '7.115', currency: 'EUR', day_of_visit: '2025-04-01' }),
  env('e7', 'ticket_sale', 1743069600000, { ticket_id: 'T3', checkout_id: 'K2', customer_id: 'C1', attraction_id: 'A2', sales_price: 20, currency: 'GBP', day_of_visit: '2025-04-02' }),
  env('e8', 'ticket_sale', '2025-03-27T11:00:00Z', { ticket_id: 'T4', checkout_id: 'K1', customer_id: 'C1', attraction_id: 'A1', sales_price: '5.00', currency: 'EUR', day_of_visit: '2025-04-01' }),
  env('e9', 'ticket_sale', '2025-03-27T10:30:00Z', { ticket_id: 'T4', checkout_id: 'K1', customer_id: 'C1', attraction_id: 'A1', sales_price: '6.00', currency: 'EUR', day_of_visit: '2025-04-01' }), // older version, arrives late
  env('e10', 'checkout_started', '2025-03-27T09:59:00Z', { checkout_id: 'K1', customer_id: 'C1', channel: 'web' }),
  env('e11', 'trigger_payment', '2025-03-27T10:06:00Z', { transaction_id: 'X1', checkout_id: 'K1', customer_id: 'C1', amount_to_be_charged: '24.62', currency: 'EUR', payment_processing_system: 'adyen' }),
  env('e12', 'payment_failed', '2025-03-27T10:06:05Z', { transaction_id: 'X1', payment_processing_system: 'adyen', failure_reason: 'card_declined' }),
  env('e13', 'trigger_payment', '2025-03-27T10:07:00Z', { transaction_id: 'X2', checkout_id: 'K1', customer_id: 'C1', amount_to_be_charged: 24.62, currency: 'EUR', payment_processing_system: 'adyen' }),
  env('e14', 'payment_succeeded', '2025-03-27T10:07:03Z', { transaction_id: 'X2', transaction_amount: '24.62', currency: 'EUR', payment_processing_system: 'adyen' }),
  env('e15', 'checkout_completed', '2025-03-27T10:07:04Z', { checkout_id: 'K1', customer_id: 'C1', total_amount: '24.62', currency: 'EUR', ticket_count: 3 }),
  env('e16', 'ticket_refunded', '2025-03-28T09:00:00Z', { ticket_id: 'T1', transaction_id: 'X2', refund_amount: '12.50', currency: 'EUR' }),
  env(42, 'attraction_created', '2025-03-27T08:00:00Z', { attraction_id: 'A1', name: 'Zoo' }),
  env('e18', 'attraction_updated', '2025-03-27T08:00:00.000Z', { attraction_id: 'A1', name: 'Zoo (renovated)' }), // same valid_from, other event: ambiguous
  '{"event_id":"e19","event_na', // malformed
  env('', 'checkout_started', '2025-03-27T10:00:00Z', { checkout_id: 'K9', customer_id: 'C9' }), // empty event_id
  JSON.stringify({ event_name: 'checkout_started', event_timestamp: '2025-03-27T10:00:00Z', payload: { checkout_id: 'K9', customer_id: 'C9' } }),
  env('e22', 'checkout_started', 'yesterday', { checkout_id: 'K9', customer_id: 'C9' }),
  env('e23', 'voucher_applied', '2025-03-27T10:00:00Z', { checkout_id: 'K9' }),
  env('e24', 'ticket_sale', '2025-03-27T10:00:00Z', { ticket_id: 'T9', checkout_id: 'K9', customer_id: 'C9', attraction_id: 'A9', sales_price: '1.00', currency: 'EUR' }), // no day_of_visit
  env('e25', 'checkout_completed', '2025-03-27T10:00:00Z', { checkout_id: 'K9', customer_id: 'C9', total_amount: 'ten', currency: 'EUR', ticket_count: 1 }),
  env('e26', 'attraction_created', '2025-03-27T10:00:00Z', { attraction_id: 'A9', name: 'Big', image_base64: 'x'.repeat(5000) }), // > 4096 bytes
];

describe('expectedOutcome on a hand-checked set', () => {
  const outcome = expectedOutcome(HAND_SET, { eventSizeLimit: 4096 });

  it('counts deliveries, distinct valid events and duplicates', () => {
    expect(outcome.records).toBe(27);
    expect(outcome.deliveries).toEqual({ valid: 19, duplicate: 1, deadLettered: 8 });
    expect(outcome.validEvents.total).toBe(18);
    expect(outcome.validEvents.byName).toMatchObject({ customer_registered: 1, customer_updated: 2, ticket_sale: 6, ticket_refunded: 1, trigger_payment: 2 });
    expect(outcome.validEvents.byName.checkout_abandoned).toBe(0);
  });

  it('counts final rows per grain (latest version wins, duplicates and same-time versions collapse)', () => {
    // dim_customer: (C1, 10:00Z) twice (e1, e2) + (C1, 12:00Z); fact_ticket_sale: T1..T4; fact_payment: X1 triggered/failed, X2 triggered/succeeded.
    expect(outcome.tableRows).toEqual({ dim_customer: 2, fact_ticket_sale: 4, fact_payment: 4, fact_checkout: 2, fact_refund: 1, dim_attraction: 1 });
    expect(outcome.rowVersions).toEqual({ dim_customer: 3, fact_ticket_sale: 6, fact_payment: 4, fact_checkout: 2, fact_refund: 1, dim_attraction: 2 });
    // (C1, 10:00Z) held by e1 and e2, (A1, 08:00Z) by 42 and e18.
    expect(outcome.ambiguousGrains).toBe(2);
    expect(outcome.checkoutSteps).toEqual({ started: 1, completed: 1, abandoned: 0 });
    expect(outcome.paymentStatuses).toEqual({ triggered: 2, succeeded: 1, failed: 1 });
    expect(outcome.distinctIds).toEqual({ customer_id: 1, attraction_id: 1, checkout_id: 1, ticket_id: 4, transaction_id: 2 });
  });

  it('sums money exactly over the latest versions, rounding half-even', () => {
    // T1 12.50 (e5 beats e4), T2 7.115 -> 7.12, T4 5.00 (e8 beats the older e9): 24.62 EUR; T3 20.00 GBP.
    expect(outcome.moneySums.fact_ticket_sale.price).toEqual({ EUR: '24.62', GBP: '20.00' });
    expect(outcome.moneySums.fact_checkout.total_amount).toEqual({ EUR: '24.62' });
    expect(outcome.moneySums.fact_refund.refund_amount).toEqual({ EUR: '12.50' });
    expect(outcome.moneySums.fact_payment.amount).toEqual({ EUR: '73.86' });
    expect(outcome.paymentAmountByStatus).toEqual({ triggered: { EUR: '49.24' }, succeeded: { EUR: '24.62' }, failed: {} });
  });

  it('counts dead letters by stage and reason', () => {
    expect(outcome.deadLetters).toEqual({
      total: 8,
      byReason: { invalid_json: 1, invalid_envelope: 3, unknown_event_name: 1, invalid_payload: 2, payload_too_large: 1 },
      byStage: { bridge: 5, router: 1, extractor: 2 },
      byStageAndReason: {
        bridge: { invalid_json: 1, invalid_envelope: 3, payload_too_large: 1 },
        router: { unknown_event_name: 1 },
        extractor: { invalid_payload: 2 },
      },
    });
  });

  it('counts what reaches the raw and family topics', () => {
    // 19 valid deliveries + unknown + 2 invalid payloads; distinct: 18 + 3.
    expect(outcome.rawEvents).toEqual({ deliveries: 22, distinct: 21 });
    expect(outcome.familyEvents).toEqual({ customer: 3, ticket: 8, payment: 4, checkout: 3, attraction: 2 });
  });
});

describe('OutcomeAccumulator', () => {
  it('gives the same result fed one by one as expectedOutcome on the whole set, and takes records or texts', () => {
    const records = generate({ seed: 'acc', total: 3000, faults: { duplicate: 3, malformed: 1, missing_field: 1, wrong_type: 1, unknown_event: 1, oversized: 0.3 }, eventSizeLimit: 8192 });
    const accumulator = new OutcomeAccumulator({ eventSizeLimit: 8192 });
    for (const record of records) accumulator.add(record.text);
    expect(accumulator.result()).toEqual(expectedOutcome(records, { eventSizeLimit: 8192 }));
  });

  it('has no ambiguous grains and matches the generated kinds on generated traffic', () => {
    const records = generate({ seed: 'kinds', total: 5000, faults: { duplicate: 4, malformed: 1, missing_field: 1, wrong_type: 1, unknown_event: 1, oversized: 0.3 }, eventSizeLimit: 8192 });
    const outcome = expectedOutcome(records, { eventSizeLimit: 8192 });
    const count = (kind: string): number => records.filter((r) => r.kind === kind).length;
    expect(outcome.ambiguousGrains).toBe(0);
    expect(outcome.deliveries.duplicate).toBe(count('duplicate'));
    expect(outcome.validEvents.total).toBe(count('valid'));
    expect(outcome.deadLetters.total).toBe(count('malformed') + count('missing_field') + count('wrong_type') + count('unknown_event') + count('oversized'));
    expect(outcome.deadLetters.byReason.invalid_json).toBe(count('malformed'));
    expect(outcome.deadLetters.byReason.payload_too_large).toBe(count('oversized'));
    expect(outcome.deadLetters.byReason.unknown_event_name).toBe(count('unknown_event'));
    // Payment totals of completed checkouts equal the successful payments.
    expect(outcome.moneySums.fact_checkout.total_amount).toEqual(outcome.paymentAmountByStatus.succeeded);
  });
});
