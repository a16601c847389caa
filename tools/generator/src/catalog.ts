/**
 * The event catalog (docs/event-catalog.md §2) as the generator reads it: payload fields,
 * required or not, and their kinds. Kept independent of @ckt/domain: the generator's expectations are an
 * oracle for the pipeline and must not inherit its bugs.
 */

export type FieldKind =
  | 'id'
  | 'money'
  | 'currency'
  | 'string'
  | 'channel'
  | 'visit_date'
  | 'birth_date'
  | 'timestamp'
  | 'bool'
  | 'uint32'
  | 'country'
  | 'payment_details';

export interface FieldRule {
  readonly kind: FieldKind;
  readonly required: boolean;
}

export const FAMILIES = ['checkout', 'ticket', 'payment', 'customer', 'attraction'] as const;
export type Family = (typeof FAMILIES)[number];

interface EventRule {
  readonly family: Family;
  readonly fields: Readonly<Record<string, FieldRule>>;
}

const req = (kind: FieldKind): FieldRule => ({ kind, required: true });
const opt = (kind: FieldKind): FieldRule => ({ kind, required: false });

const customerFields = {
  customer_id: req('id'),
  email: opt('string'),
  first_name: opt('string'),
  last_name: opt('string'),
  country: opt('country'),
  city: opt('string'),
  birth_date: opt('birth_date'),
  marketing_opt_in: opt('bool'),
};

const attractionFields = {
  attraction_id: req('id'),
  name: req('string'),
  category: opt('string'),
  venue: opt('string'),
  city: opt('string'),
  country: opt('country'),
  capacity: opt('uint32'),
};

export const EVENT_RULES = {
  checkout_started: {
    family: 'checkout',
    fields: { checkout_id: req('id'), customer_id: req('id'), channel: opt('channel'), currency: opt('currency') },
  },
  checkout_completed: {
    family: 'checkout',
    fields: {
      checkout_id: req('id'),
      customer_id: req('id'),
      total_amount: req('money'),
      currency: req('currency'),
      ticket_count: req('uint32'),
    },
  },
  checkout_abandoned: {
    family: 'checkout',
    fields: { checkout_id: req('id'), customer_id: req('id'), last_step: opt('string') },
  },
  ticket_sale: {
    family: 'ticket',
    fields: {
      ticket_id: req('id'),
      checkout_id: req('id'),
      customer_id: req('id'),
      attraction_id: req('id'),
      sales_price: req('money'),
      currency: req('currency'),
      day_of_visit: req('visit_date'),
      sales_timestamp: opt('timestamp'),
      ticket_type: opt('string'),
    },
  },
  ticket_refunded: {
    family: 'ticket',
    fields: {
      ticket_id: req('id'),
      transaction_id: req('id'),
      refund_amount: req('money'),
      currency: req('currency'),
      reason: opt('string'),
    },
  },
  trigger_payment: {
    family: 'payment',
    fields: {
      transaction_id: req('id'),
      checkout_id: req('id'),
      customer_id: req('id'),
      amount_to_be_charged: req('money'),
      currency: req('currency'),
      payment_processing_system: req('string'),
      user_payment_details: opt('payment_details'),
    },
  },
  payment_succeeded: {
    family: 'payment',
    fields: {
      transaction_id: req('id'),
      transaction_amount: req('money'),
      currency: req('currency'),
      payment_processing_system: req('string'),
    },
  },
  payment_failed: {
    family: 'payment',
    fields: {
      transaction_id: req('id'),
      payment_processing_system: req('string'),
      failure_reason: req('string'),
      transaction_amount: opt('money'),
      currency: opt('currency'),
    },
  },
  customer_registered: { family: 'customer', fields: customerFields },
  customer_updated: { family: 'customer', fields: customerFields },
  attraction_created: { family: 'attraction', fields: attractionFields },
  attraction_updated: { family: 'attraction', fields: attractionFields },
} as const satisfies Record<string, EventRule>;

export type EventName = keyof typeof EVENT_RULES;
export const EVENT_NAMES = Object.keys(EVENT_RULES) as EventName[];

export function isCatalogEvent(name: string): name is EventName {
  return Object.hasOwn(EVENT_RULES, name);
}

export function requiredFields(name: EventName): string[] {
  return Object.entries(EVENT_RULES[name].fields as Record<string, FieldRule>)
    .filter(([, rule]) => rule.required)
    .map(([field]) => field);
}

export function fieldRule(name: EventName, field: string): FieldRule | undefined {
  return (EVENT_RULES[name].fields as Record<string, FieldRule>)[field];
}

export const CHANNELS = ['web', 'app', 'partner', 'box_office'] as const;

/** Dead-letter stages and reasons (catalog §4 and the brief). */
export type DeadLetterStage = 'bridge' | 'router' | 'extractor';
export type DeadLetterReason = 'invalid_json' | 'invalid_envelope' | 'unknown_event_name' | 'invalid_payload' | 'payload_too_large';
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'invalid_json',
  'invalid_envelope',
  'unknown_event_name',
  'invalid_payload',
  'payload_too_large',
];
export const DEAD_LETTER_STAGES: readonly DeadLetterStage[] = ['bridge', 'router', 'extractor'];
