import { describe, expect, it } from 'vitest';
import { generate } from './generator.ts';
import { classifyRecord } from './validate.ts';

type Envelope = { event_id: string | number; event_name: string; event_timestamp: string | number; payload: Record<string, unknown> };

const ALL_FAULTS = { duplicate: 3, malformed: 2, missing_field: 2, wrong_type: 2, unknown_event: 2, oversized: 0.5 };
const LIMIT = 16 * 1024;

const clean = generate({ seed: 'catalog', total: 6000 });
const cleanEvents = clean.map((record) => JSON.parse(record.text) as Envelope);

/** Required payload fields per event, copied from the catalog (spec §2), with a check of their JSON shape. */
const isId = (v: unknown): boolean => (typeof v === 'string' && v.trim() !== '') || (Number.isSafeInteger(v) && (v as number) >= 0);
const isMoney = (v: unknown): boolean => (typeof v === 'number' && v >= 0) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v));
const isCurrency = (v: unknown): boolean => typeof v === 'string' && /^[A-Z]{3}$/.test(v);
const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isDate = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const SPEC_REQUIRED: Record<string, Record<string, (v: unknown) => boolean>> = {
  checkout_started: { checkout_id: isId, customer_id: isId },
  checkout_completed: { checkout_id: isId, customer_id: isId, total_amount: isMoney, currency: isCurrency, ticket_count: isCount },
  checkout_abandoned: { checkout_id: isId, customer_id: isId },
  ticket_sale: { ticket_id: isId, checkout_id: isId, customer_id: isId, attraction_id: isId, sales_price: isMoney, currency: isCurrency, day_of_visit: isDate },
  ticket_refunded: { ticket_id: isId, transaction_id: isId, refund_amount: isMoney, currency: isCurrency },
  trigger_payment: { transaction_id: isId, checkout_id: isId, customer_id: isId, amount_to_be_charged: isMoney, currency: isCurrency, payment_processing_system: isText },
  payment_succeeded: { transaction_id: isId, transaction_amount: isMoney, currency: isCurrency, payment_processing_system: isText },
  payment_failed: { transaction_id: isId, payment_processing_system: isText, failure_reason: isText },
  customer_registered: { customer_id: isId },
  customer_updated: { customer_id: isId },
  attraction_created: { attraction_id: isId, name: isText },
  attraction_updated: { attraction_id: isId, name: isText },
};

const cents = (value: unknown): number => Math.round(Number(value) * 100);
const id = (value: unknown): string => String(value);
const byName = (name: string): Envelope[] => cleanEvents.filter((event) => event.event_name === name);

describe('generate: determinism', () => {
  it('gives the same records for the same seed', () => {
    const a = generate({ seed: 7, total: 2000, faults: ALL_FAULTS, eventSizeLimit: LIMIT });
    const b = generate({ seed: '7', total: 2000, faults: ALL_FAULTS, eventSizeLimit: LIMIT });
    expect(b).toEqual(a);
  });

  it('gives other records, with no shared event_id, for another seed', () => {
    const a = generate({ seed: 7, total: 1000 });
    const b = generate({ seed: 8, total: 1000 });
    expect(b.map((r) => r.text)).not.toEqual(a.map((r) => r.text));
    const idsA = new Set(a.map((r) => r.eventId));
    expect(b.filter((r) => idsA.has(r.eventId))).toEqual([]);
  });

  it('keeps the valid traffic the same whatever the fault rates', () => {
    const faulty = generate({ seed: 'same', total: 3000, faults: ALL_FAULTS, eventSizeLimit: LIMIT }).filter((r) => r.kind === 'valid');
    const plain = generate({ seed: 'same', total: 3000 }).slice(0, faulty.length);
    expect(faulty.map((r) => r.text)).toEqual(plain.map((r) => r.text));
  });

  it('produces exactly total records numbered by seq', () => {
    const records = generate({ seed: 1, total: 321, faults: ALL_FAULTS, eventSizeLimit: LIMIT });
    expect(records.map((r) => r.seq)).toEqual([...Array(321).keys()]);
    expect(generate({ seed: 1, total: 0 })).toEqual([]);
  });
});

describe('generate: valid traffic per the catalog', () => {
  it('covers every event type', () => {
    expect(new Set(cleanEvents.map((e) => e.event_name))).toEqual(new Set(Object.keys(SPEC_REQUIRED)));
  });

  it('has every required field, of the right shape, in every event', () => {
    const problems: string[] = [];
    for (const event of cleanEvents) {
      const rules = SPEC_REQUIRED[event.event_name];
      if (!rules) problems.push(`unknown name ${event.event_name}`);
      for (const [field, check] of Object.entries(rules ?? {})) if (!check(event.payload[field])) problems.push(`${event.event_name}.${field}`);
      if (!isId(event.event_id)) problems.push('event_id');
    }
    expect(problems).toEqual([]);
  });

  it('passes the oracle for every record, with unique event_ids', () => {
    expect(clean.every((r) => r.kind === 'valid' && r.fault === null && r.intended === null)).toBe(true);
    expect(clean.filter((r) => !classifyRecord(r.text, LIMIT).ok)).toEqual([]);
    expect(new Set(clean.map((r) => r.eventId)).size).toBe(clean.length);
  });

  it('varies envelope formats: integer and string ids, all timestamp styles', () => {
    const ts = cleanEvents.map((e) => e.event_timestamp);
    expect(cleanEvents.some((e) => typeof e.event_id === 'number')).toBe(true);
    expect(cleanEvents.some((e) => typeof e.event_id === 'string')).toBe(true);
    expect(ts.some((t) => typeof t === 'number')).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /\.\d{3}Z$/.test(t))).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /[+-]\d{2}:\d{2}$/.test(t))).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /T\d{2}:\d{2}:\d{2}$/.test(t))).toBe(true);
    expect(ts.some((t) => typeof t === 'string' && /\.\d{6}Z?$/.test(t))).toBe(true);
  });

  it('uses believable money, currencies, channels and processors', () => {
    const sales = byName('ticket_sale');
    const prices = sales.map((e) => e.payload.sales_price);
    expect(prices.some((p) => typeof p === 'number')).toBe(true);
    expect(prices.some((p) => typeof p === 'string' && /^\d+\.\d{2}$/.test(p))).toBe(true);
    expect(prices.some((p) => typeof p === 'string' && /^\d+\.\d{3}$/.test(p))).toBe(true);
    const adultEur = sales.filter((e) => e.payload.currency === 'EUR' && e.payload.ticket_type === 'adult').map((e) => cents(e.payload.sales_price));
    expect(adultEur.length).toBeGreaterThan(10);
    // Adult prices lie in 19.90-149.00 (promo re-pricing takes 10% off).
    expect(adultEur.every((c) => c >= 1791 && c <= 14900)).toBe(true);
    expect(new Set(sales.map((e) => e.payload.currency))).toEqual(new Set(['EUR', 'GBP', 'USD', 'DKK', 'SEK', 'NOK', 'CHF']));
    expect(new Set(byName('checkout_started').map((e) => e.payload.channel).filter(Boolean))).toEqual(new Set(['web', 'app', 'partner', 'box_office']));
    expect(new Set(byName('trigger_payment').map((e) => e.payload.payment_processing_system)).size).toBeGreaterThanOrEqual(5);
  });

  it('sends card data like a real payment form (Luhn-valid numbers, cvc, expiry, holder)', () => {
    const cards = byName('trigger_payment')
      .map((e) => e.payload.user_payment_details as Record<string, string> | undefined)
      .filter((d): d is Record<string, string> => d?.payment_method === 'card');
    expect(cards.length).toBeGreaterThan(50);
    expect(cards.some((d) => d.card_number === '4111 1111 1111 1111')).toBe(true);
    for (const card of cards) {
      const digits = (card.card_number ?? '').replace(/[ -]/g, '');
      expect(digits).toMatch(/^\d{15,16}$/);
      expect(luhnValid(digits)).toBe(true);
      expect(card.cvc).toMatch(/^\d{3,4}$/);
      expect(card.expiry).toMatch(/^\d{2}\/\d{2}$/);
      expect(card.holder_name).toBeTruthy();
      expect(card.card_brand).toBeTruthy();
    }
  });

  it('tells consistent checkout stories', () => {
    const latestPrice = new Map<string, number>();
    const ticketsOf = new Map<string, Set<string>>();
    for (const sale of byName('ticket_sale')) {
      latestPrice.set(id(sale.payload.ticket_id), Math.round(Number(sale.payload.sales_price) * 1000));
      const set = ticketsOf.get(id(sale.payload.checkout_id)) ?? new Set<string>();
      ticketsOf.set(id(sale.payload.checkout_id), set.add(id(sale.payload.ticket_id)));
    }
    const roundedCents = (ticket: string): number => {
      // Half-even from the thousandths kept above.
      const milli = latestPrice.get(ticket) ?? 0;
      const [whole, rest] = [Math.floor(milli / 10), milli % 10];
      return rest > 5 || (rest === 5 && whole % 2 === 1) ? whole + 1 : whole;
    };
    const completed = byName('checkout_completed');
    expect(completed.length).toBeGreaterThan(100);
    for (const done of completed) {
      const tickets = [...(ticketsOf.get(id(done.payload.checkout_id)) ?? [])];
      expect(done.payload.ticket_count).toBe(tickets.length);
      expect(tickets.length).toBeGreaterThanOrEqual(1);
      expect(tickets.length).toBeLessThanOrEqual(6);
      expect(cents(done.payload.total_amount)).toBe(tickets.reduce((sum, t) => sum + roundedCents(t), 0));
    }
  });

  it('uses a new transaction_id per payment attempt and refunds against the successful one', () => {
    const triggers = byName('trigger_payment');
    expect(new Set(triggers.map((e) => id(e.payload.transaction_id))).size).toBe(triggers.length);
    const checkoutOfTxn = new Map(triggers.map((e) => [id(e.payload.transaction_id), id(e.payload.checkout_id)]));
    const failed = byName('payment_failed');
    expect(failed.length).toBeGreaterThan(20);
    const retried = new Set(failed.map((e) => checkoutOfTxn.get(id(e.payload.transaction_id))));
    expect(triggers.filter((e) => retried.has(id(e.payload.checkout_id))).length).toBeGreaterThan(retried.size);
    for (const event of failed) expect(isText(event.payload.failure_reason)).toBe(true);

    const succeededTxnOf = new Map(byName('payment_succeeded').map((e) => [checkoutOfTxn.get(id(e.payload.transaction_id)), id(e.payload.transaction_id)]));
    const checkoutOfTicket = new Map(byName('ticket_sale').map((e) => [id(e.payload.ticket_id), id(e.payload.checkout_id)]));
    const refunds = byName('ticket_refunded');
    expect(refunds.length).toBeGreaterThan(5);
    for (const refund of refunds) {
      expect(id(refund.payload.transaction_id)).toBe(succeededTxnOf.get(checkoutOfTicket.get(id(refund.payload.ticket_id))));
    }
  });

  it('abandons some checkouts with a last_step', () => {
    const steps = new Set(byName('checkout_abandoned').map((e) => e.payload.last_step).filter(Boolean));
    expect(steps.size).toBeGreaterThanOrEqual(3);
  });

  it('keeps versions of one entity at least a second apart, in order', () => {
    const times = new Map<string, number[]>();
    for (const record of clean) {
      const verdict = classifyRecord(record.text, LIMIT);
      if (!verdict.ok) continue;
      const key = ['customer_id', 'attraction_id', 'ticket_id'].find((k) => verdict.eventName.startsWith(k.split('_')[0]!));
      if (!key || verdict.eventName === 'ticket_refunded') continue;
      const entity = `${key}:${id(verdict.payload[key])}`;
      times.set(entity, [...(times.get(entity) ?? []), verdict.timestampMs]);
    }
    const updated = [...times.values()].filter((list) => list.length > 1);
    expect(updated.length).toBeGreaterThan(50);
    for (const list of updated) for (let i = 1; i < list.length; i++) expect(list[i]! - list[i - 1]!).toBeGreaterThan(0);
  });
});

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
