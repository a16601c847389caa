import { describe, expect, it } from 'vitest';
import { CATALOG, EVENT_NAMES, type EventName } from './catalog.ts';
import { parseEnvelope } from './envelope.ts';
import { extractRows, type ExtractionResult } from './extraction.ts';
import type { JsonObject } from './json.ts';
import { emailSha256 } from './pii.ts';

const PEPPER = 'test-pepper';
const TS = '2025-03-27T20:48:37';
const TS_UTC = '2025-03-27T20:48:37.000Z';

function extract(event_name: string, payload: JsonObject, event_timestamp: string | number = TS, event_id: string | number = 'evt-1'): ExtractionResult {
  const envelope = parseEnvelope({ event_id, event_name, event_timestamp, payload });
  if (!envelope.ok) throw new Error(envelope.message);
  return extractRows(envelope.event, { emailPepper: PEPPER });
}

function rowsOf(event_name: string, payload: JsonObject, event_timestamp?: string | number, event_id?: string | number) {
  const result = extract(event_name, payload, event_timestamp, event_id);
  if (!result.ok) throw new Error(result.message);
  return result.rows;
}

function failureOf(event_name: string, payload: JsonObject): string {
  const result = extract(event_name, payload);
  if (result.ok) throw new Error('expected a failure');
  expect(result.reason).toBe('invalid_payload');
  return result.message;
}

/** A complete, valid payload per event (every optional field set). */
const FULL: Record<EventName, JsonObject> = {
  checkout_started: { checkout_id: 'co-1', customer_id: 77, channel: 'WEB', currency: 'eur' },
  checkout_completed: { checkout_id: 'co-1', customer_id: 'cu-1', total_amount: '24.685', currency: 'EUR', ticket_count: 2 },
  checkout_abandoned: { checkout_id: 'co-1', customer_id: 'cu-1', last_step: 'payment' },
  ticket_sale: {
    ticket_id: 555,
    checkout_id: 'co-1',
    customer_id: 'cu-1',
    attraction_id: 12,
    sales_price: 12.345,
    currency: 'CHF',
    day_of_visit: '2025-04-01',
    sales_timestamp: '2025-03-28T01:30:00.123456+02:00',
    ticket_type: 'adult',
    unknown_extra: { kept: 'in raw only' },
  },
  ticket_refunded: { ticket_id: 't-1', transaction_id: 'rf-1', refund_amount: 12.355, currency: 'EUR', reason: 'weather' },
  trigger_payment: {
    transaction_id: 'tx-1',
    checkout_id: 'co-1',
    customer_id: 'cu-1',
    amount_to_be_charged: '24.69',
    currency: 'EUR',
    payment_processing_system: 'adyen',
    user_payment_details: {
      payment_method: 'credit_card',
      card_brand: 'visa',
      card_number: '************1111',
      cvc: '***',
      holder_name: 'Anna Muster',
    },
  },
  payment_succeeded: { transaction_id: 'tx-1', transaction_amount: 24.69, currency: 'EUR', payment_processing_system: 'adyen' },
  payment_failed: {
    transaction_id: 'tx-2',
    payment_processing_system: 'stripe',
    failure_reason: 'insufficient_funds',
    transaction_amount: 10,
    currency: 'usd',
  },
  customer_registered: {
    customer_id: 'cu-1',
    email: ' Anna.Muster@Example.com ',
    first_name: 'Anna',
    last_name: 'Muster',
    country: 'ch',
    city: 'Zürich',
    birth_date: '1987-06-15',
    marketing_opt_in: true,
  },
  customer_updated: { customer_id: 'cu-1', city: 'Bern', marketing_opt_in: false },
  attraction_created: { attraction_id: 12, name: 'Zoo Zürich', category: 'zoo', venue: 'Zürichbergstrasse 221', city: 'Zürich', country: 'CH', capacity: 5000 },
  attraction_updated: { attraction_id: '12', name: 'Zoo Zürich', capacity: 0 },
};

describe('extractRows: exact rows of every event', () => {
  it('checkout_started', () => {
    expect(rowsOf('checkout_started', FULL.checkout_started)).toEqual([
      {
        table: 'fact_checkout',
        key: 'co-1|started',
        values: {
          checkout_id: 'co-1',
          customer_id: '77',
          step: 'started',
          channel: 'web',
          total_amount: null,
          currency: 'EUR',
          ticket_count: null,
          last_step: null,
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('checkout_started without optional fields', () => {
    expect(rowsOf('checkout_started', { checkout_id: 'co-1', customer_id: 'cu-1' })[0]?.values).toMatchObject({ channel: null, currency: null });
  });

  it('checkout_completed (money rounded half-even)', () => {
    expect(rowsOf('checkout_completed', FULL.checkout_completed)).toEqual([
      {
        table: 'fact_checkout',
        key: 'co-1|completed',
        values: {
          checkout_id: 'co-1',
          customer_id: 'cu-1',
          step: 'completed',
          channel: null,
          total_amount: '24.68',
          currency: 'EUR',
          ticket_count: 2,
          last_step: null,
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('checkout_abandoned', () => {
    expect(rowsOf('checkout_abandoned', FULL.checkout_abandoned)).toEqual([
      {
        table: 'fact_checkout',
        key: 'co-1|abandoned',
        values: {
          checkout_id: 'co-1',
          customer_id: 'cu-1',
          step: 'abandoned',
          channel: null,
          total_amount: null,
          currency: null,
          ticket_count: null,
          last_step: 'payment',
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
    expect(rowsOf('checkout_abandoned', { checkout_id: 'co-1', customer_id: 'cu-1', last_step: '' })[0]?.values.last_step).toBeNull();
  });

  it('ticket_sale (integer ids, +02:00 -> UTC, microseconds truncated, date key of the UTC day)', () => {
    expect(rowsOf('ticket_sale', FULL.ticket_sale, '2025-03-27T23:59:59.999999+02:00', 1001)).toEqual([
      {
        table: 'fact_ticket_sale',
        key: '555',
        values: {
          ticket_id: '555',
          checkout_id: 'co-1',
          customer_id: 'cu-1',
          attraction_id: '12',
          sale_ts: '2025-03-27T23:30:00.123Z',
          sale_date_key: 20250327,
          visit_date: '2025-04-01',
          price: '12.34',
          currency: 'CHF',
          ticket_type: 'adult',
          event_ts: '2025-03-27T21:59:59.999Z',
          event_id: '1001',
        },
      },
    ]);
  });

  it('ticket_sale without sales_timestamp and ticket_type: sale_ts defaults to event_timestamp', () => {
    const { sales_timestamp: _ts, ticket_type: _type, ...payload } = FULL.ticket_sale;
    expect(rowsOf('ticket_sale', payload, 1743119999000)[0]?.values).toMatchObject({
      sale_ts: '2025-03-27T23:59:59.000Z',
      sale_date_key: 20250327,
      ticket_type: null,
      event_ts: '2025-03-27T23:59:59.000Z',
    });
  });

  it('ticket_refunded', () => {
    expect(rowsOf('ticket_refunded', FULL.ticket_refunded)).toEqual([
      {
        table: 'fact_refund',
        key: 't-1|rf-1',
        values: {
          ticket_id: 't-1',
          transaction_id: 'rf-1',
          refund_amount: '12.36',
          currency: 'EUR',
          reason: 'weather',
          refund_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
    const { reason: _reason, ...withoutReason } = FULL.ticket_refunded;
    expect(rowsOf('ticket_refunded', withoutReason)[0]?.values.reason).toBeNull();
  });

  it('trigger_payment (only payment_method, card_brand, card_last4 of user_payment_details)', () => {
    expect(rowsOf('trigger_payment', FULL.trigger_payment)).toEqual([
      {
        table: 'fact_payment',
        key: 'tx-1|triggered',
        values: {
          transaction_id: 'tx-1',
          checkout_id: 'co-1',
          customer_id: 'cu-1',
          status: 'triggered',
          amount: '24.69',
          currency: 'EUR',
          processor: 'adyen',
          payment_method: 'credit_card',
          card_brand: 'visa',
          card_last4: '1111',
          failure_reason: null,
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('trigger_payment: explicit card_last4 wins; no details give NULLs', () => {
    const explicit = { ...FULL.trigger_payment, user_payment_details: { card_last4: '4242', card_number: '************1111' } };
    expect(rowsOf('trigger_payment', explicit)[0]?.values).toMatchObject({ payment_method: null, card_brand: null, card_last4: '4242' });
    const { user_payment_details: _details, ...none } = FULL.trigger_payment;
    expect(rowsOf('trigger_payment', none)[0]?.values).toMatchObject({ payment_method: null, card_brand: null, card_last4: null });
    const tooShort = { ...FULL.trigger_payment, user_payment_details: { card_number: '**' } };
    expect(rowsOf('trigger_payment', tooShort)[0]?.values.card_last4).toBeNull();
  });

  it('payment_succeeded (no checkout/customer: NULL)', () => {
    expect(rowsOf('payment_succeeded', FULL.payment_succeeded)).toEqual([
      {
        table: 'fact_payment',
        key: 'tx-1|succeeded',
        values: {
          transaction_id: 'tx-1',
          checkout_id: null,
          customer_id: null,
          status: 'succeeded',
          amount: '24.69',
          currency: 'EUR',
          processor: 'adyen',
          payment_method: null,
          card_brand: null,
          card_last4: null,
          failure_reason: null,
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('payment_failed, with and without the optional amount', () => {
    expect(rowsOf('payment_failed', FULL.payment_failed)).toEqual([
      {
        table: 'fact_payment',
        key: 'tx-2|failed',
        values: {
          transaction_id: 'tx-2',
          checkout_id: null,
          customer_id: null,
          status: 'failed',
          amount: '10.00',
          currency: 'USD',
          processor: 'stripe',
          payment_method: null,
          card_brand: null,
          card_last4: null,
          failure_reason: 'insufficient_funds',
          event_ts: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
    const minimal = { transaction_id: 'tx-2', payment_processing_system: 'stripe', failure_reason: 'declined' };
    expect(rowsOf('payment_failed', minimal)[0]?.values).toMatchObject({ amount: null, currency: null, failure_reason: 'declined' });
  });

  it('customer_registered (e-mail hashed, names dropped, birth date generalised)', () => {
    expect(rowsOf('customer_registered', FULL.customer_registered, '2025-03-27T22:48:37.5+02:00')).toEqual([
      {
        table: 'dim_customer',
        key: 'cu-1|2025-03-27T20:48:37.500Z',
        values: {
          customer_id: 'cu-1',
          email_sha256: emailSha256('anna.muster@example.com', PEPPER),
          country: 'CH',
          city: 'Zürich',
          birth_year: 1987,
          marketing_opt_in: true,
          valid_from: '2025-03-27T20:48:37.500Z',
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('customer_updated (missing fields are NULL, never carried over)', () => {
    expect(rowsOf('customer_updated', FULL.customer_updated)).toEqual([
      {
        table: 'dim_customer',
        key: `cu-1|${TS_UTC}`,
        values: {
          customer_id: 'cu-1',
          email_sha256: null,
          country: null,
          city: 'Bern',
          birth_year: null,
          marketing_opt_in: false,
          valid_from: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('attraction_created', () => {
    expect(rowsOf('attraction_created', FULL.attraction_created)).toEqual([
      {
        table: 'dim_attraction',
        key: `12|${TS_UTC}`,
        values: {
          attraction_id: '12',
          name: 'Zoo Zürich',
          category: 'zoo',
          venue: 'Zürichbergstrasse 221',
          city: 'Zürich',
          country: 'CH',
          capacity: 5000,
          valid_from: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('attraction_updated', () => {
    expect(rowsOf('attraction_updated', FULL.attraction_updated)).toEqual([
      {
        table: 'dim_attraction',
        key: `12|${TS_UTC}`,
        values: {
          attraction_id: '12',
          name: 'Zoo Zürich',
          category: null,
          venue: null,
          city: null,
          country: null,
          capacity: 0,
          valid_from: TS_UTC,
          event_id: 'evt-1',
        },
      },
    ]);
  });

  it('has a full fixture for every catalog event', () => {
    for (const name of EVENT_NAMES) expect(extract(name, FULL[name]).ok, name).toBe(true);
  });
});

describe('extractRows: personal data never reaches a row', () => {
  it('holds no e-mail, name, full birth date or card data beyond brand and last 4', () => {
    const pan = '4111111111111111';
    const payloads: [EventName, JsonObject][] = [
      ['customer_registered', { ...FULL.customer_registered, email: 'Secret.Person@Example.org', first_name: 'Firstname', last_name: 'Lastname' }],
      ['customer_updated', { customer_id: 'cu-2', email: 'other@example.org', first_name: 'Other', last_name: 'Person', birth_date: '1990-12-24' }],
      [
        'trigger_payment',
        {
          ...FULL.trigger_payment,
          user_payment_details: {
            payment_method: 'card',
            card_brand: 'visa',
            // Defence in depth: even an unmasked number (the bridge masks it) yields only its last 4.
            card_number: pan,
            cvc: '735',
            iban: 'DE89370400440532013000',
            holder_name: 'Cardholder Name',
            expiry: '12/29',
          },
        },
      ],
    ];
    const serialised = JSON.stringify(payloads.flatMap(([name, payload]) => rowsOf(name, payload)));
    for (const forbidden of [
      'Secret.Person',
      'secret.person',
      '@',
      'Firstname',
      'Lastname',
      'Other',
      'Person',
      '1987-06-15',
      '1990-12-24',
      '12-24',
      pan,
      '411111',
      'DE89',
      '"cvc"',
      '"iban"',
      '"card_number"',
      '"email"',
      '"first_name"',
      '"last_name"',
      '"birth_date"',
      '"holder_name"',
      'Cardholder',
      '12/29',
    ]) {
      expect(serialised, forbidden).not.toContain(forbidden);
    }
    expect(serialised).toContain('"card_last4":"1111"');
    expect(serialised).toContain('"birth_year":1990');
  });
});

describe('extractRows: invalid payloads', () => {
  it.each(EVENT_NAMES.flatMap((name) => CATALOG[name].fields.filter((f) => f.required).map((f) => [name, f.name] as const)))(
    '%s without %s',
    (name, field) => {
      const payload = { ...FULL[name] };
      delete payload[field];
      expect(failureOf(name, payload)).toBe(`payload.${field}: required field is missing`);
      expect(failureOf(name, { ...FULL[name], [field]: null })).toBe(`payload.${field}: required field is missing`);
    },
  );

  it.each([
    ['ticket_sale', 'sales_price', -1, 'payload.sales_price: expected money (number or decimal string >= 0)'],
    ['ticket_sale', 'sales_price', '12,50', 'payload.sales_price: expected money (number or decimal string >= 0)'],
    ['ticket_sale', 'sales_price', '1e3', 'payload.sales_price: expected money (number or decimal string >= 0)'],
    ['ticket_sale', 'ticket_id', '', 'payload.ticket_id: expected an id (non-empty string or non-negative integer)'],
    ['ticket_sale', 'ticket_id', 1.5, 'payload.ticket_id: expected an id (non-empty string or non-negative integer)'],
    ['ticket_sale', 'currency', 'EURO', 'payload.currency: expected a currency code (3 letters, ISO 4217)'],
    ['ticket_sale', 'day_of_visit', '2025-02-30', 'payload.day_of_visit: expected a date YYYY-MM-DD between 1970-01-01 and 2149-06-06'],
    ['ticket_sale', 'day_of_visit', '01.04.2025', 'payload.day_of_visit: expected a date YYYY-MM-DD between 1970-01-01 and 2149-06-06'],
    ['ticket_sale', 'sales_timestamp', 'yesterday', 'payload.sales_timestamp: expected an ISO-8601 timestamp or epoch milliseconds (1970..2299)'],
    ['ticket_sale', 'ticket_type', 3, 'payload.ticket_type: expected a string'],
    ['checkout_started', 'channel', 'kiosk', 'payload.channel: expected one of web, app, partner, box_office'],
    ['checkout_completed', 'ticket_count', -1, 'payload.ticket_count: expected an integer between 0 and 4294967295'],
    ['checkout_completed', 'ticket_count', 2.5, 'payload.ticket_count: expected an integer between 0 and 4294967295'],
    ['checkout_completed', 'ticket_count', '2', 'payload.ticket_count: expected an integer between 0 and 4294967295'],
    ['payment_failed', 'failure_reason', '  ', 'payload.failure_reason: expected a non-empty string'],
    ['customer_registered', 'country', 'CHE', 'payload.country: expected a country code (2 letters, ISO 3166-1 alpha-2)'],
    ['customer_registered', 'marketing_opt_in', 'yes', 'payload.marketing_opt_in: expected a boolean'],
    ['customer_registered', 'birth_date', '1987-13-01', 'payload.birth_date: expected a date YYYY-MM-DD between 1900-01-01 and 2299-12-31'],
    ['attraction_created', 'capacity', 4294967296, 'payload.capacity: expected an integer between 0 and 4294967295'],
    ['trigger_payment', 'user_payment_details', 'visa 4111', 'payload.user_payment_details: expected a JSON object'],
  ] as const)('%s.%s = %j', (name, field, value, message) => {
    const result = failureOf(name, { ...FULL[name], [field]: value });
    expect(result).toBe(message);
    // Short values (`-1`, `3`) occur in any text; distinctive ones must not be echoed.
    if (String(value).trim().length >= 4) expect(result).not.toContain(String(value));
  });

  it('names nested fields with their path', () => {
    const payload = { ...FULL.trigger_payment, user_payment_details: { card_brand: 42 } };
    expect(failureOf('trigger_payment', payload)).toBe('payload.user_payment_details.card_brand: expected a string');
  });

  it('reports unknown event names separately', () => {
    expect(extract('gift_card_redeemed', {})).toEqual({ ok: false, reason: 'unknown_event_name', message: 'event_name: not in the event catalog' });
  });
});
