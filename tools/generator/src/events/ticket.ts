import type { Prng } from '../prng.ts';
import { idValue, moneyValue, type Checkout, type Ticket } from '../world/entities.ts';
import type { BuiltEvent, JsonPayload } from './types.ts';

/** ticket_sale / ticket_refunded (family ticket). */

/** `eventMs`: event time of this ticket_sale; sales_timestamp, when sent, is a moment before it. */
export function ticketSale(rng: Prng, checkout: Checkout, ticket: Ticket, eventMs: number): BuiltEvent {
  const payload: JsonPayload = {
    ticket_id: ticket.id,
    checkout_id: checkout.id,
    customer_id: idValue(rng, checkout.customer.id),
    attraction_id: ticket.attractionId,
    sales_price: ticket.priceValue,
    currency: checkout.currency,
    day_of_visit: ticket.dayOfVisit,
  };
  if (rng.chance(0.6)) payload.sales_timestamp = new Date(eventMs - rng.int(0, 3000)).toISOString();
  if (ticket.ticketType !== null) payload.ticket_type = ticket.ticketType;
  return { eventName: 'ticket_sale', payload };
}

/** A full refund of one ticket, against the transaction that paid for it. */
export function ticketRefunded(rng: Prng, ticket: Ticket, transactionId: string, currency: string, reason: string): BuiltEvent {
  const payload: JsonPayload = {
    ticket_id: ticket.id,
    transaction_id: transactionId,
    refund_amount: moneyValue(rng, ticket.cents),
    currency,
  };
  if (rng.chance(0.85)) payload.reason = reason;
  return { eventName: 'ticket_refunded', payload };
}
