import type { Prng } from '../prng.ts';
import { checkoutTotalCents, idValue, moneyValue, type Checkout } from '../world/entities.ts';
import type { BuiltEvent, JsonPayload } from './types.ts';

/** checkout_started / checkout_completed / checkout_abandoned (family checkout). */

export function checkoutStarted(rng: Prng, checkout: Checkout): BuiltEvent {
  const payload: JsonPayload = { checkout_id: checkout.id, customer_id: idValue(rng, checkout.customer.id) };
  if (rng.chance(0.95)) payload.channel = checkout.channel;
  if (rng.chance(0.8)) payload.currency = checkout.currency;
  if (rng.chance(0.2)) payload.session_id = `ses_${checkout.id.slice(4)}`;
  return { eventName: 'checkout_started', payload };
}

/** total_amount is the sum of the ticket prices as the warehouse holds them (rounded half-even). */
export function checkoutCompleted(rng: Prng, checkout: Checkout): BuiltEvent {
  return {
    eventName: 'checkout_completed',
    payload: {
      checkout_id: checkout.id,
      customer_id: idValue(rng, checkout.customer.id),
      total_amount: moneyValue(rng, checkoutTotalCents(checkout)),
      currency: checkout.currency,
      ticket_count: checkout.tickets.length,
    },
  };
}

export function checkoutAbandoned(rng: Prng, checkout: Checkout, lastStep: string): BuiltEvent {
  const payload: JsonPayload = { checkout_id: checkout.id, customer_id: idValue(rng, checkout.customer.id) };
  if (rng.chance(0.9)) payload.last_step = lastStep;
  return { eventName: 'checkout_abandoned', payload };
}
