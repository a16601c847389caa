import type { Prng } from '../prng.ts';
import { idValue, moneyValue, type Checkout, type Customer } from '../world/entities.ts';
import { CARD_BRANDS, TEST_CARD_NUMBERS, WALLET_METHODS } from '../world/reference-data.ts';
import type { BuiltEvent, JsonPayload } from './types.ts';

/** trigger_payment / payment_succeeded / payment_failed (family payment). */

export function triggerPayment(rng: Prng, checkout: Checkout, transactionId: string, amountCents: number): BuiltEvent {
  const payload: JsonPayload = {
    transaction_id: transactionId,
    checkout_id: checkout.id,
    customer_id: idValue(rng, checkout.customer.id),
    amount_to_be_charged: moneyValue(rng, amountCents),
    currency: checkout.currency,
    payment_processing_system: checkout.processor,
  };
  if (rng.chance(0.95)) payload.user_payment_details = paymentDetails(rng, checkout.customer, checkout.processor, checkout.currency);
  return { eventName: 'trigger_payment', payload };
}

export function paymentSucceeded(rng: Prng, checkout: Checkout, transactionId: string, amountCents: number): BuiltEvent {
  return {
    eventName: 'payment_succeeded',
    payload: {
      transaction_id: transactionId,
      transaction_amount: moneyValue(rng, amountCents),
      currency: checkout.currency,
      payment_processing_system: checkout.processor,
    },
  };
}

export function paymentFailed(rng: Prng, checkout: Checkout, transactionId: string, amountCents: number, reason: string): BuiltEvent {
  const payload: JsonPayload = {
    transaction_id: transactionId,
    payment_processing_system: checkout.processor,
    failure_reason: reason,
  };
  if (rng.chance(0.7)) {
    payload.transaction_amount = moneyValue(rng, amountCents);
    payload.currency = checkout.currency;
  }
  return { eventName: 'payment_failed', payload };
}

/** What the shop's payment form sends: card data (full number, CVC, expiry, holder) or a wallet/redirect method. */
function paymentDetails(rng: Prng, customer: Customer, processor: string, currency: string): JsonPayload {
  if (processor === 'paypal') return { payment_method: 'paypal', payer_email: customer.email.trim() };
  if (processor === 'klarna') return { payment_method: 'klarna', installments: rng.pick([1, 3, 4]) };
  if (currency === 'DKK' && rng.chance(0.3)) return { payment_method: 'mobilepay' };
  const [brand, number] = cardNumber(rng);
  if (rng.chance(0.2)) return { payment_method: rng.pick(WALLET_METHODS), card_brand: brand, card_last4: number.replace(/\D/g, '').slice(-4) };
  const holder = `${customer.firstName} ${customer.lastName}`;
  return {
    payment_method: 'card',
    card_number: number,
    card_brand: brand,
    cvc: String(rng.int(brand === 'amex' ? 1000 : 100, brand === 'amex' ? 9999 : 999)),
    expiry: `${String(rng.int(1, 12)).padStart(2, '0')}/${rng.int(26, 31)}`,
    holder_name: rng.chance(0.3) ? holder.toUpperCase() : holder,
  };
}

/** A Luhn-valid card number of a weighted brand, written with spaces, dashes or no separators. */
function cardNumber(rng: Prng): [brand: string, number: string] {
  if (rng.chance(0.15)) {
    const [brand, number] = rng.pick(TEST_CARD_NUMBERS);
    return [brand, number];
  }
  const [brand, prefix, length] = rng.weighted(CARD_BRANDS.map((entry) => [entry, entry[3]] as const));
  let digits = prefix;
  while (digits.length < length - 1) digits += String(rng.int(0, 9));
  digits += luhnCheckDigit(digits);
  const separator = rng.weighted([
    [' ', 50],
    ['-', 15],
    ['', 35],
  ] as const);
  const groups = length === 15 ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)] : (digits.match(/.{1,4}/g) ?? [digits]);
  return [brand, groups.join(separator)];
}

function luhnCheckDigit(partial: string): string {
  let sum = 0;
  let double = true;
  for (let i = partial.length - 1; i >= 0; i--) {
    let digit = partial.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}
