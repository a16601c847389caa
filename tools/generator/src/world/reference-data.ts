/** Reference data that makes the traffic look like a European/US attraction-ticket shop. */

export interface Place {
  readonly city: string;
  readonly country: string;
  readonly currency: string;
}

export const PLACES: readonly Place[] = [
  { city: 'Copenhagen', country: 'DK', currency: 'DKK' },
  { city: 'Aarhus', country: 'DK', currency: 'DKK' },
  { city: 'Billund', country: 'DK', currency: 'DKK' },
  { city: 'London', country: 'GB', currency: 'GBP' },
  { city: 'Edinburgh', country: 'GB', currency: 'GBP' },
  { city: 'Paris', country: 'FR', currency: 'EUR' },
  { city: 'Berlin', country: 'DE', currency: 'EUR' },
  { city: 'Munich', country: 'DE', currency: 'EUR' },
  { city: 'Amsterdam', country: 'NL', currency: 'EUR' },
  { city: 'Barcelona', country: 'ES', currency: 'EUR' },
  { city: 'Rome', country: 'IT', currency: 'EUR' },
  { city: 'Vienna', country: 'AT', currency: 'EUR' },
  { city: 'Dublin', country: 'IE', currency: 'EUR' },
  { city: 'New York', country: 'US', currency: 'USD' },
  { city: 'Orlando', country: 'US', currency: 'USD' },
  { city: 'San Francisco', country: 'US', currency: 'USD' },
  { city: 'Stockholm', country: 'SE', currency: 'SEK' },
  { city: 'Oslo', country: 'NO', currency: 'NOK' },
  { city: 'Zurich', country: 'CH', currency: 'CHF' },
];

/** Adult ticket price range per currency, in cents. */
export const ADULT_PRICE_CENTS: Readonly<Record<string, readonly [number, number]>> = {
  EUR: [1990, 14900],
  GBP: [1500, 12500],
  USD: [1990, 15900],
  DKK: [14900, 109500],
  SEK: [15900, 119500],
  NOK: [16900, 129500],
  CHF: [1990, 14900],
};

/** Psychological price endings (cents part). */
export const PRICE_ENDINGS = [0, 0, 50, 90, 95, 99];

export const TICKET_TYPES: readonly (readonly [string, number, number])[] = [
  // name, weight, price factor in percent of the adult price
  ['adult', 55, 100],
  ['child', 20, 55],
  ['senior', 8, 80],
  ['student', 10, 85],
  ['family', 4, 260],
  ['vip', 3, 180],
];

export const ATTRACTION_KINDS: readonly (readonly [string, string])[] = [
  // name pattern ({city}), category
  ['{city} Zoo', 'zoo'],
  ['{city} Aquarium', 'aquarium'],
  ['{city} Museum of Modern Art', 'museum'],
  ['{city} City Museum', 'museum'],
  ['{city} Harbour Cruise', 'cruise'],
  ['{city} Hop-On Hop-Off Bus', 'tour'],
  ['{city} Old Town Walking Tour', 'tour'],
  ['{city} Observation Deck', 'observation_deck'],
  ['{city} Adventure Park', 'theme_park'],
  ['{city} Science Centre', 'museum'],
  ['{city} Botanical Garden', 'garden'],
  ['{city} Dungeon', 'experience'],
  ['{city} Jazz Night', 'concert'],
  ['{city} Light Festival', 'exhibition'],
];

export const VENUE_PATTERNS = ['{city} Harbour', 'Central {city}', '{city} Old Town', '{city} Park', '{city} Riverside', 'North {city} Pier'];

export const FIRST_NAMES = [
  'Anna', 'Mads', 'Sofie', 'Lukas', 'Emma', 'Noah', 'Olivia', 'Liam', 'Freja', 'Oscar', 'Ida', 'William',
  'Clara', 'Jonas', 'Mia', 'Elias', 'Amelia', 'Louis', 'Chloé', 'Matteo', 'Giulia', 'Hugo', 'Léa', 'Finn',
  'Zoë', 'Björn', 'Ingrid', 'Søren', 'José', 'María', 'Seán', 'Aoife', 'James', 'Grace', 'Ethan', 'Ava',
];

export const LAST_NAMES = [
  'Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Müller', 'Schmidt', 'Schneider', 'Smith', 'Jones',
  'Taylor', 'Brown', 'Martin', 'Bernard', 'Dubois', 'Rossi', 'Russo', 'García', 'Fernández', 'de Vries',
  'van Dijk', 'Johansson', 'Larsson', 'Olsen', "O'Brien", 'Murphy', 'Williams', 'Johnson', 'Lefèvre', 'Østergaard',
];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'inbox.example.dk'];

export const CHANNEL_WEIGHTS: readonly (readonly [string, number])[] = [
  ['web', 50],
  ['app', 30],
  ['partner', 12],
  ['box_office', 8],
];

export const PROCESSOR_WEIGHTS: readonly (readonly [string, number])[] = [
  ['adyen', 35],
  ['stripe', 30],
  ['paypal', 12],
  ['worldpay', 10],
  ['klarna', 8],
  ['checkout_com', 5],
];

export const FAILURE_REASONS = [
  'insufficient_funds',
  'card_declined',
  'expired_card',
  'incorrect_cvc',
  'authentication_failed',
  'fraud_suspected',
  'processor_timeout',
];

export const REFUND_REASONS = ['customer_request', 'event_cancelled', 'duplicate_purchase', 'bad_weather', 'goodwill'];

/** Card brand, number prefix, length. Numbers get a Luhn check digit, so they look like real cards. */
export const CARD_BRANDS: readonly (readonly [string, string, number, number])[] = [
  // brand, prefix, length, weight
  ['visa', '4', 16, 50],
  ['mastercard', '5', 16, 30],
  ['amex', '37', 15, 8],
  ['maestro', '6759', 16, 4],
  ['dankort', '5019', 16, 8],
];

/** Well-known test card numbers, used now and then verbatim. */
export const TEST_CARD_NUMBERS: readonly (readonly [string, string])[] = [
  ['visa', '4111 1111 1111 1111'],
  ['visa', '4242-4242-4242-4242'],
  ['mastercard', '5555 5555 5555 4444'],
  ['amex', '3782 822463 10005'],
];

export const WALLET_METHODS = ['apple_pay', 'google_pay'];

export const ABANDON_STEPS = {
  beforeTickets: 'started',
  duringTickets: 'ticket_selection',
  beforePayment: 'payment_details',
  afterFailedPayment: 'payment',
} as const;

/** Snake_case names that are not in the catalog (routed to the dead-letter topic as unknown_event_name). */
export const UNKNOWN_EVENT_NAMES = [
  'ticket_reserved',
  'gift_card_redeemed',
  'loyalty_points_earned',
  'newsletter_subscribed',
  'seat_selected',
  'voucher_applied',
  'basket_viewed',
];
