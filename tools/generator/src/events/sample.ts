import type { EventName } from '../catalog.ts';
import type { Prng } from '../prng.ts';
import { newAttraction, newCustomer, newTicket, type Checkout } from '../world/entities.ts';
import type { IdFactory } from '../world/ids.ts';
import { CHANNEL_WEIGHTS, FAILURE_REASONS, PROCESSOR_WEIGHTS, REFUND_REASONS } from '../world/reference-data.ts';
import { attractionCreated, attractionUpdated } from './attraction.ts';
import { checkoutAbandoned, checkoutCompleted, checkoutStarted } from './checkout.ts';
import { changeCustomer, customerRegistered, customerUpdated } from './customer.ts';
import { paymentFailed, paymentSucceeded, triggerPayment } from './payment.ts';
import { ticketRefunded, ticketSale } from './ticket.ts';
import type { BuiltEvent } from './types.ts';

/**
 * A valid event of any catalog name about fresh entities of its own (ids from `ids`). Faults start from
 * these, so a faulty event looks real but never touches an entity of the valid traffic.
 */
export function sampleEvent(rng: Prng, ids: IdFactory, eventName: EventName, nowMs: number): BuiltEvent {
  const customer = newCustomer(rng, ids, nowMs);
  const attraction = newAttraction(rng, ids, nowMs);
  const checkout: Checkout = {
    id: ids.checkout(),
    customer,
    channel: rng.weighted(CHANNEL_WEIGHTS),
    currency: attraction.currency,
    processor: rng.weighted(PROCESSOR_WEIGHTS),
    attractions: [attraction],
    plannedTickets: 1,
    tickets: [],
    phase: 'selecting',
    attempts: 0,
    transactionId: null,
    paidTransactionId: null,
    pendingCorrections: [],
    lastTs: nowMs,
  };
  const ticket = newTicket(rng, ids, attraction, nowMs);
  checkout.tickets.push(ticket);
  const amount = ticket.cents;
  switch (eventName) {
    case 'checkout_started':
      return checkoutStarted(rng, checkout);
    case 'checkout_completed':
      return checkoutCompleted(rng, checkout);
    case 'checkout_abandoned':
      return checkoutAbandoned(rng, checkout, 'payment_details');
    case 'ticket_sale':
      return ticketSale(rng, checkout, ticket, nowMs);
    case 'ticket_refunded':
      return ticketRefunded(rng, ticket, ids.transaction(checkout.processor), checkout.currency, rng.pick(REFUND_REASONS));
    case 'trigger_payment':
      return triggerPayment(rng, checkout, ids.transaction(checkout.processor), amount);
    case 'payment_succeeded':
      return paymentSucceeded(rng, checkout, ids.transaction(checkout.processor), amount);
    case 'payment_failed':
      return paymentFailed(rng, checkout, ids.transaction(checkout.processor), amount, rng.pick(FAILURE_REASONS));
    case 'customer_registered':
      return customerRegistered(rng, customer);
    case 'customer_updated':
      return customerUpdated(rng, customer, changeCustomer(rng, customer));
    case 'attraction_created':
      return attractionCreated(rng, attraction);
    case 'attraction_updated':
      return attractionUpdated(rng, attraction);
  }
}
