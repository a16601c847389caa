import {
  BIRTH_DATE,
  BOOL,
  COUNTRY,
  CURRENCY,
  enumOf,
  ID,
  MONEY,
  objectOf,
  optional,
  required,
  STRING,
  TIMESTAMP,
  UINT32,
  WAREHOUSE_DATE,
  type FieldSpec,
} from './field-types.ts';
import type { ExtractedTableName } from './tables.ts';
import { checkPersonalData } from './personal-data-policy.ts';
import { constant, derived, eventId, eventTimestamp, firstOf, payload, type ValueSource } from './value-sources.ts';

/**
 * The event catalog of §2 as one table: per event_name its family, its payload fields and the warehouse rows
 * it produces. Extraction, routing and tests read only this; adding an event is adding an entry.
 * Payload fields not listed here are kept in the raw layer and ignored downstream.
 */

export const FAMILIES = ['checkout', 'ticket', 'payment', 'customer', 'attraction'] as const;
export type Family = (typeof FAMILIES)[number];

export interface RowSpec {
  readonly table: ExtractedTableName;
  /** Column -> source. Nullable columns left out are NULL. */
  readonly columns: Readonly<Record<string, ValueSource>>;
}

interface EventSpec {
  readonly family: Family;
  readonly fields: readonly FieldSpec[];
  readonly rows: readonly RowSpec[];
}

const CHANNEL = enumOf('web', 'app', 'partner', 'box_office');

/** Only payment_method, card_brand and card_last4 reach the warehouse; card_number serves card_last4. */
const USER_PAYMENT_DETAILS = objectOf(
  optional('payment_method', STRING),
  optional('card_brand', STRING),
  optional('card_last4', STRING),
  optional('card_number', STRING, 'drop'),
);

const checkoutStep = (step: string, columns: Record<string, ValueSource>): RowSpec => ({
  table: 'fact_checkout',
  columns: {
    checkout_id: payload('checkout_id'),
    customer_id: payload('customer_id'),
    step: constant(step),
    ...columns,
    event_ts: eventTimestamp,
    event_id: eventId,
  },
});

const paymentStatus = (status: string, columns: Record<string, ValueSource>): RowSpec => ({
  table: 'fact_payment',
  columns: {
    transaction_id: payload('transaction_id'),
    status: constant(status),
    processor: payload('payment_processing_system'),
    ...columns,
    event_ts: eventTimestamp,
    event_id: eventId,
  },
});

const saleTimestamp = firstOf(payload('sales_timestamp'), eventTimestamp);

const customerEvent: EventSpec = {
  family: 'customer',
  fields: [
    required('customer_id', ID),
    optional('email', STRING, 'hash'),
    optional('first_name', STRING, 'drop'),
    optional('last_name', STRING, 'drop'),
    optional('country', COUNTRY),
    optional('city', STRING),
    optional('birth_date', BIRTH_DATE, 'generalise'),
    optional('marketing_opt_in', BOOL),
  ],
  rows: [
    {
      table: 'dim_customer',
      columns: {
        customer_id: payload('customer_id'),
        email_sha256: derived('email_sha256', payload('email')),
        country: payload('country'),
        city: payload('city'),
        birth_year: derived('birth_year', payload('birth_date')),
        marketing_opt_in: payload('marketing_opt_in'),
        valid_from: eventTimestamp,
        event_id: eventId,
      },
    },
  ],
};

const attractionEvent: EventSpec = {
  family: 'attraction',
  fields: [
    required('attraction_id', ID),
    required('name', STRING),
    optional('category', STRING),
    optional('venue', STRING),
    optional('city', STRING),
    optional('country', COUNTRY),
    optional('capacity', UINT32),
  ],
  rows: [
    {
      table: 'dim_attraction',
      columns: {
        attraction_id: payload('attraction_id'),
        name: payload('name'),
        category: payload('category'),
        venue: payload('venue'),
        city: payload('city'),
        country: payload('country'),
        capacity: payload('capacity'),
        valid_from: eventTimestamp,
        event_id: eventId,
      },
    },
  ],
};

const CATALOG_ENTRIES = {
  checkout_started: {
    family: 'checkout',
    fields: [required('checkout_id', ID), required('customer_id', ID), optional('channel', CHANNEL), optional('currency', CURRENCY)],
    rows: [checkoutStep('started', { channel: payload('channel'), currency: payload('currency') })],
  },
  checkout_completed: {
    family: 'checkout',
    fields: [
      required('checkout_id', ID),
      required('customer_id', ID),
      required('total_amount', MONEY),
      required('currency', CURRENCY),
      required('ticket_count', UINT32),
    ],
    rows: [
      checkoutStep('completed', {
        total_amount: payload('total_amount'),
        currency: payload('currency'),
        ticket_count: payload('ticket_count'),
      }),
    ],
  },
  checkout_abandoned: {
    family: 'checkout',
    fields: [required('checkout_id', ID), required('customer_id', ID), optional('last_step', STRING)],
    rows: [checkoutStep('abandoned', { last_step: payload('last_step') })],
  },
  ticket_sale: {
    family: 'ticket',
    fields: [
      required('ticket_id', ID),
      required('checkout_id', ID),
      required('customer_id', ID),
      required('attraction_id', ID),
      required('sales_price', MONEY),
      required('currency', CURRENCY),
      required('day_of_visit', WAREHOUSE_DATE),
      optional('sales_timestamp', TIMESTAMP),
      optional('ticket_type', STRING),
    ],
    rows: [
      {
        table: 'fact_ticket_sale',
        columns: {
          ticket_id: payload('ticket_id'),
          checkout_id: payload('checkout_id'),
          customer_id: payload('customer_id'),
          attraction_id: payload('attraction_id'),
          sale_ts: saleTimestamp,
          sale_date_key: derived('date_key', saleTimestamp),
          visit_date: payload('day_of_visit'),
          price: payload('sales_price'),
          currency: payload('currency'),
          ticket_type: payload('ticket_type'),
          event_ts: eventTimestamp,
          event_id: eventId,
        },
      },
    ],
  },
  ticket_refunded: {
    family: 'ticket',
    fields: [
      required('ticket_id', ID),
      required('transaction_id', ID),
      required('refund_amount', MONEY),
      required('currency', CURRENCY),
      optional('reason', STRING),
    ],
    rows: [
      {
        table: 'fact_refund',
        columns: {
          ticket_id: payload('ticket_id'),
          transaction_id: payload('transaction_id'),
          refund_amount: payload('refund_amount'),
          currency: payload('currency'),
          reason: payload('reason'),
          refund_ts: eventTimestamp,
          event_id: eventId,
        },
      },
    ],
  },
  trigger_payment: {
    family: 'payment',
    fields: [
      required('transaction_id', ID),
      required('checkout_id', ID),
      required('customer_id', ID),
      required('amount_to_be_charged', MONEY),
      required('currency', CURRENCY),
      required('payment_processing_system', STRING),
      optional('user_payment_details', USER_PAYMENT_DETAILS, 'restrict'),
    ],
    rows: [
      paymentStatus('triggered', {
        checkout_id: payload('checkout_id'),
        customer_id: payload('customer_id'),
        amount: payload('amount_to_be_charged'),
        currency: payload('currency'),
        payment_method: payload('user_payment_details.payment_method'),
        card_brand: payload('user_payment_details.card_brand'),
        card_last4: firstOf(
          derived('last4_digits', payload('user_payment_details.card_last4')),
          derived('last4_digits', payload('user_payment_details.card_number')),
        ),
      }),
    ],
  },
  payment_succeeded: {
    family: 'payment',
    fields: [
      required('transaction_id', ID),
      required('transaction_amount', MONEY),
      required('currency', CURRENCY),
      required('payment_processing_system', STRING),
    ],
    rows: [paymentStatus('succeeded', { amount: payload('transaction_amount'), currency: payload('currency') })],
  },
  payment_failed: {
    family: 'payment',
    fields: [
      required('transaction_id', ID),
      required('payment_processing_system', STRING),
      required('failure_reason', STRING),
      optional('transaction_amount', MONEY),
      optional('currency', CURRENCY),
    ],
    rows: [
      paymentStatus('failed', {
        amount: payload('transaction_amount'),
        currency: payload('currency'),
        failure_reason: payload('failure_reason'),
      }),
    ],
  },
  customer_registered: customerEvent,
  customer_updated: customerEvent,
  attraction_created: attractionEvent,
  attraction_updated: attractionEvent,
} satisfies Record<string, EventSpec>;

export type EventName = keyof typeof CATALOG_ENTRIES;
export const CATALOG: Readonly<Record<EventName, EventSpec>> = CATALOG_ENTRIES;
export const EVENT_NAMES = Object.keys(CATALOG) as EventName[];
checkPersonalData(CATALOG);

const KNOWN_EVENTS: ReadonlySet<string> = new Set(Object.keys(CATALOG));

export function isKnownEvent(name: string): name is EventName {
  return KNOWN_EVENTS.has(name);
}

/** The family of a catalog event; undefined for names not in the catalog. */
export function familyOf(name: string): Family | undefined {
  return isKnownEvent(name) ? CATALOG[name].family : undefined;
}

/** Catalog events of one family. */
export function eventsOfFamily(family: Family): EventName[] {
  return EVENT_NAMES.filter((name) => CATALOG[name].family === family);
}
