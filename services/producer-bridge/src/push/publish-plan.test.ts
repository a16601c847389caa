import { describe, expect, it } from 'vitest';
import type { BodyItem } from './body-parser.ts';
import { planEvents, utf8Prefix } from './publish-plan.ts';

const parsed = (value: unknown): BodyItem => ({ kind: 'parsed', value });

const triggerPayment = {
  event_id: 987654321,
  event_name: 'trigger_payment',
  event_timestamp: '2025-03-27T20:48:37.123456+01:00',
  payload: {
    transaction_id: 'tx-1',
    checkout_id: 'chk-77',
    customer_id: 4242,
    amount_to_be_charged: '59.90',
    currency: 'EUR',
    payment_processing_system: 'adyen',
    user_payment_details: {
      payment_method: 'card',
      card_brand: 'visa',
      card: { number: '4111 1111 1111 1111', expiry: '12/27', cvc: '737', holder: 'Ada Lovelace' },
      billing: { iban: 'DE89370400440532013000', note: 'backup card 5555-5555-5555-4444' },
      history: [{ pan: 378282246310005, cvv: 1234 }],
    },
  },
};

describe('planEvents', () => {
  it('normalises, masks nested card data and keys a valid envelope', () => {
    const plan = planEvents([parsed(triggerPayment)], { maxEventBytes: 100_000, maxDepth: 32 });
    expect(plan.rejections).toEqual([]);
    expect(plan.records).toHaveLength(1);
    const record = plan.records[0]!;
    expect(record.key).toBe('chk-77');
    const value = JSON.parse(record.value);
    expect(value.event_id).toBe('987654321');
    expect(value.event_timestamp).toBe('2025-03-27T19:48:37.123Z');
    const details = value.payload.user_payment_details;
    expect(details.card.number).toBe('************1111');
    expect(details.card).not.toHaveProperty('cvc');
    expect(details.card.expiry).toBe('12/27');
    expect(details.billing.iban).toBe('******************3000');
    expect(details.billing.note).toBe('backup card ************4444');
    expect(details.history[0]).toEqual({ pan: '***********0005' });
    expect(value.payload.amount_to_be_charged).toBe('59.90');
    expect(plan.maskedCount).toBe(6);
    for (const secret of ['4111 1111', '737', '0532013', '5555-5555', '378282', '1234']) expect(record.value).not.toContain(secret);
  });

  it('keys by customer_id, transaction_id, then event_id', () => {
    const base = { event_name: 'x_y', event_timestamp: 1743108517000 };
    const plan = planEvents(
      [
        parsed({ ...base, event_id: 1, payload: { customer_id: 55, transaction_id: 't' } }),
        parsed({ ...base, event_id: 2, payload: { transaction_id: 't9' } }),
        parsed({ ...base, event_id: 3, payload: {} }),
      ],
      { maxEventBytes: 10_000, maxDepth: 32 },
    );
    expect(plan.records.map((r) => r.key)).toEqual(['55', 't9', '3']);
  });

  it('rejects invalid envelopes with their index and a masked copy of the event as received', () => {
    const invalid = { event_id: 'e-9', event_name: 'ticket_sale', payload: { card_number: '4111111111111111', cvv: '123' } };
    const plan = planEvents([parsed(triggerPayment), parsed(invalid), parsed([1, 2])], { maxEventBytes: 10_000, maxDepth: 32 });
    expect(plan.records).toHaveLength(1);
    expect(plan.rejections).toMatchObject([
      { index: 1, reason: 'invalid_envelope', key: 'e-9', message: expect.stringContaining('event_timestamp') },
      { index: 2, reason: 'invalid_envelope', key: null },
    ]);
    const letter = JSON.parse(plan.rejections[0]!.value);
    expect(letter).toEqual({ event_id: 'e-9', event_name: 'ticket_sale', payload: { card_number: '************1111' } });
  });

  it('dead-letters unparsable lines as invalid_json with card-like digits masked', () => {
    const plan = planEvents([{ kind: 'unparsable', text: '{"event_id": 5, "card": "4111111111111111", "cvc": "999"' }], { maxEventBytes: 10_000, maxDepth: 32 });
    expect(plan.rejections).toEqual([
      { index: 0, reason: 'invalid_json', message: 'line is not valid JSON', key: null, value: '{"event_id": 5, "card": "************1111", "cvc": "***"' },
    ]);
  });

  it('dead-letters oversized events as payload_too_large with a bounded, masked preview', () => {
    const big = { ...triggerPayment, payload: { ...triggerPayment.payload, notes: 'x'.repeat(5000) } };
    const plan = planEvents([parsed(big)], { maxEventBytes: 2048, previewBytes: 512, maxDepth: 32 });
    expect(plan.records).toEqual([]);
    const [rejection] = plan.rejections;
    expect(rejection).toMatchObject({ index: 0, reason: 'payload_too_large', key: '987654321' });
    expect(Buffer.byteLength(rejection!.value)).toBeLessThanOrEqual(512);
    expect(rejection!.value).toContain('************1111');
    expect(rejection!.message).toMatch(/above the limit of 2048/);
  });

  it('dead-letters an event nested past maxDepth (without exhausting the stack) and keeps the valid one', () => {
    const levels = 100_000;
    const deep = JSON.parse(`{"event_id":"deep-1","event_name":"trigger_payment","event_timestamp":"2025-03-27T20:48:37Z","payload":{"card":"4111111111111111","x":${'['.repeat(levels)}${']'.repeat(levels)}}}`) as unknown;
    const plan = planEvents([parsed(deep), parsed(triggerPayment)], { maxEventBytes: 100_000, maxDepth: 32 });
    expect(plan.records.map((record) => JSON.parse(record.value).event_id)).toEqual(['987654321']);
    const [rejection] = plan.rejections;
    expect(rejection).toMatchObject({ index: 0, reason: 'payload_too_large', key: 'deep-1' });
    expect(rejection!.message).toMatch(/deeper than 32 levels/);
    expect(rejection!.value).toContain('[truncated: nested too deep]');
    expect(rejection!.value).not.toContain('4111111111111111');
  });

  it('accepts an event exactly at maxDepth', () => {
    // The envelope is level 1, payload 2, so a payload nesting 2 more containers is depth 4.
    const event = { ...triggerPayment, payload: { transaction_id: 'tx-1', tags: [['a']] } };
    expect(planEvents([parsed(event)], { maxEventBytes: 100_000, maxDepth: 4 }).records).toHaveLength(1);
    expect(planEvents([parsed(event)], { maxEventBytes: 100_000, maxDepth: 3 }).rejections).toHaveLength(1);
  });
});

describe('utf8Prefix', () => {
  it('never splits a multi-byte character', () => {
    expect(utf8Prefix('aé€', 3)).toBe('aé');
    expect(utf8Prefix('aé€', 5)).toBe('aé');
    expect(utf8Prefix('aé€', 6)).toBe('aé€');
  });
});
