import type { Prng } from '../prng.ts';
import { emailFor, idValue, type Customer } from '../world/entities.ts';
import { EMAIL_DOMAINS, LAST_NAMES, PLACES } from '../world/reference-data.ts';
import type { BuiltEvent, JsonPayload } from './types.ts';

/** customer_registered / customer_updated (family customer). */

export function customerRegistered(rng: Prng, customer: Customer): BuiltEvent {
  const payload = snapshot(rng, customer);
  if (rng.chance(0.3)) payload.locale = rng.pick(['da-DK', 'en-GB', 'de-DE', 'fr-FR', 'en-US', 'sv-SE']);
  if (rng.chance(0.2)) payload.signup_source = rng.pick(['web', 'app', 'partner']);
  return { eventName: 'customer_registered', payload };
}

/** Changes one or two attributes of the customer (in place) and returns the names of the payload fields changed. */
export function changeCustomer(rng: Prng, customer: Customer): string[] {
  const changes = rng.chance(0.25) ? 2 : 1;
  const changed = new Set<string>();
  for (let i = 0; i < changes; i++) {
    switch (rng.pick(['email', 'move', 'opt_in', 'last_name', 'birth_date'])) {
      case 'email':
        customer.email = emailFor(rng, customer.firstName, customer.lastName, customer.id).replace(/@.*/, `@${rng.pick(EMAIL_DOMAINS)}`);
        changed.add('email');
        break;
      case 'move': {
        const place = rng.pick(PLACES);
        customer.city = place.city;
        customer.country = place.country;
        changed.add('city').add('country');
        break;
      }
      case 'opt_in':
        customer.marketingOptIn = !customer.marketingOptIn;
        changed.add('marketing_opt_in');
        break;
      case 'last_name':
        customer.lastName = rng.pick(LAST_NAMES);
        changed.add('last_name');
        break;
      case 'birth_date':
        customer.birthDate = `${rng.int(1950, 2005)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`;
        changed.add('birth_date');
        break;
    }
  }
  return [...changed];
}

/** A full snapshot most of the time; otherwise only the changed fields (a partial update). */
export function customerUpdated(rng: Prng, customer: Customer, changed: readonly string[]): BuiltEvent {
  const full = snapshot(rng, customer);
  if (rng.chance(0.75)) return { eventName: 'customer_updated', payload: full };
  const payload: JsonPayload = { customer_id: full.customer_id ?? customer.id };
  for (const field of changed) {
    const value = full[field];
    if (value !== undefined) payload[field] = value;
  }
  return { eventName: 'customer_updated', payload };
}

function snapshot(rng: Prng, customer: Customer): JsonPayload {
  const payload: JsonPayload = {
    customer_id: idValue(rng, customer.id),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    country: customer.country,
  };
  if (rng.chance(0.92)) payload.city = customer.city;
  if (customer.birthDate !== null) payload.birth_date = customer.birthDate;
  payload.marketing_opt_in = customer.marketingOptIn;
  return payload;
}
