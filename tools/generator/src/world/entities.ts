import { moneyToCents } from '../money.ts';
import type { Prng } from '../prng.ts';
import { isoDate } from '../timestamps.ts';
import type { IdFactory } from './ids.ts';
import {
  ADULT_PRICE_CENTS,
  ATTRACTION_KINDS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  PLACES,
  PRICE_ENDINGS,
  TICKET_TYPES,
  VENUE_PATTERNS,
  type Place,
} from './reference-data.ts';

/** The entities of the simulated shop and how new ones are made. Mutable: the world advances them. */

export interface Customer {
  readonly id: string;
  email: string;
  firstName: string;
  lastName: string;
  country: string;
  city: string;
  birthDate: string | null;
  marketingOptIn: boolean;
  /** Event time of this customer's latest event (ms); the next one is at least a second later. */
  lastTs: number;
}

export interface Attraction {
  readonly id: string;
  name: string;
  readonly category: string;
  venue: string;
  readonly city: string;
  readonly country: string;
  readonly currency: string;
  capacity: number;
  readonly adultPriceCents: number;
  lastTs: number;
}

export interface Ticket {
  readonly id: string;
  readonly attractionId: string;
  readonly ticketType: string | null;
  readonly dayOfVisit: string;
  /** The price as sent (number or decimal string, sometimes with a third decimal). */
  priceValue: number | string;
  /** The price the warehouse must hold: priceValue rounded half-even to cents. */
  cents: number;
  /** Event time of its latest ticket_sale (a correction must come later). */
  lastTs: number;
}

export function newCustomer(rng: Prng, ids: IdFactory, nowMs: number): Customer {
  const place = rng.pick(PLACES);
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const id = ids.customer();
  const year = rng.int(1942, 2007);
  const birthDate = rng.chance(0.8) ? `${year}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}` : null;
  return {
    id,
    email: emailFor(rng, firstName, lastName, id),
    firstName,
    lastName,
    country: place.country,
    city: place.city,
    birthDate,
    marketingOptIn: rng.chance(0.35),
    lastTs: nowMs - 1000,
  };
}

/** An address like `Anna.Jensen42@example.com`; the id suffix keeps addresses unique across customers. */
export function emailFor(rng: Prng, firstName: string, lastName: string, id: string): string {
  const local = `${asciiFold(firstName)}.${asciiFold(lastName)}${id.slice(-4)}`;
  const text = `${rng.chance(0.15) ? local : local.toLowerCase()}@${rng.pick(EMAIL_DOMAINS)}`;
  // A few senders pad addresses with blanks; the warehouse hashes the trimmed address.
  return rng.chance(0.03) ? ` ${text} ` : text;
}

function asciiFold(text: string): string {
  return text
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '');
}

export function newAttraction(rng: Prng, ids: IdFactory, nowMs: number, place: Place = rng.pick(PLACES)): Attraction {
  const [pattern, category] = rng.pick(ATTRACTION_KINDS);
  const [minCents, maxCents] = ADULT_PRICE_CENTS[place.currency] ?? [1990, 14900];
  const whole = rng.int(Math.floor(minCents / 100), Math.floor(maxCents / 100));
  return {
    id: ids.attraction(),
    name: pattern.replace('{city}', place.city),
    category,
    venue: rng.pick(VENUE_PATTERNS).replace('{city}', place.city),
    city: place.city,
    country: place.country,
    currency: place.currency,
    capacity: rng.int(20, 800) * 25,
    adultPriceCents: Math.max(minCents, Math.min(maxCents, whole * 100 + rng.pick(PRICE_ENDINGS))),
    lastTs: nowMs - 1000,
  };
}

/** A ticket for `attraction`, sold at `saleMs`, visiting 0-120 days later. */
export function newTicket(rng: Prng, ids: IdFactory, attraction: Attraction, saleMs: number): Ticket {
  const [type, , factor] = rng.weighted(TICKET_TYPES.map((entry) => [entry, entry[1]] as const));
  const cents = Math.round((attraction.adultPriceCents * factor) / 100);
  const priced = priceValueFor(rng, cents);
  return {
    id: ids.ticket(),
    attractionId: attraction.id,
    ticketType: rng.chance(0.9) ? type : null,
    dayOfVisit: isoDate(saleMs + rng.int(0, 120) * 86_400_000),
    priceValue: priced.value,
    cents: priced.cents,
    lastTs: saleMs,
  };
}

/**
 * How a price is sent: a JSON number (19.9), a decimal string ('19.90') or, now and then, a value with a
 * third decimal that the pipeline must round half-even ('19.905' -> 19.90, '19.915' -> 19.92).
 */
function priceValueFor(rng: Prng, cents: number): { value: number | string; cents: number } {
  if (rng.chance(0.1)) {
    const thirdDigit = rng.chance(0.6) ? 5 : rng.int(1, 9);
    const text = `${Math.floor(cents / 100)}.${pad2(cents % 100)}${thirdDigit}`;
    const rounded = Number(moneyToCents(text));
    return { value: rng.chance(0.5) ? text : Number(text), cents: rounded };
  }
  return { value: moneyValue(rng, cents), cents };
}

/** A money amount as a JSON number or a 2-decimal string. */
export function moneyValue(rng: Prng, cents: number): number | string {
  return rng.chance(0.5) ? cents / 100 : `${Math.floor(cents / 100)}.${pad2(cents % 100)}`;
}

/** A customer id as sent: its digits as a JSON integer now and then, else a string. */
export function idValue(rng: Prng, id: string): string | number {
  return /^\d{1,15}$/.test(id) && rng.chance(0.35) ? Number(id) : id;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

export type CheckoutPhase = 'selecting' | 'correcting' | 'paying' | 'awaiting_result' | 'after_failure' | 'completing' | 'done';

export interface Checkout {
  readonly id: string;
  readonly customer: Customer;
  readonly channel: string;
  readonly currency: string;
  readonly processor: string;
  readonly attractions: readonly Attraction[];
  readonly plannedTickets: number;
  readonly tickets: Ticket[];
  phase: CheckoutPhase;
  /** Payment attempts so far (each has its own transaction_id). */
  attempts: number;
  transactionId: string | null;
  paidTransactionId: string | null;
  /** Tickets still to be re-sent with a promo price. */
  pendingCorrections: Ticket[];
  lastTs: number;
}

/** Sum of the ticket prices the warehouse holds (cents). */
export function checkoutTotalCents(checkout: Checkout): number {
  return checkout.tickets.reduce((sum, ticket) => sum + ticket.cents, 0);
}
