/**
 * Key-name rules of masking: what to do with a value judged by the name of the field holding it.
 * Keys are compared lower-cased without separators (`card_number`, `cardNumber`, `card-number` are equal).
 *
 * | rule           | keys                                                                 | action                         |
 * |----------------|----------------------------------------------------------------------|--------------------------------|
 * | remove         | cvc, cvv, cvc2, cvv2, csc, cvn, security_code, card_security_code,    | field removed                  |
 * |                | card_verification_value/code                                         |                                |
 * | card_number    | card_number, card_no, card_num, cc_number, cc_num, pan, card_pan,    | digits masked, last 4 kept     |
 * |                | credit_card_number, debit_card_number, primary_account_number,        | (no checksum needed: the name  |
 * |                | `number` inside an object whose key mentions card                    |  says what it is)              |
 * | account_number | iban, account_number, account_no, bank_account(_number), acct_number, | characters masked, last 4 kept |
 * |                | `number` inside an object whose key mentions account or bank         |                                |
 * | exempt         | ids and times: `id`, `*_id`, `*Id`, `*_ids`, `*_ts`, `*_at`,           | left as is                     |
 * |                | `*timestamp`, `*_ms`, `*_time`                                       |                                |
 *
 * Every other string is scanned as free text, and every other integer as a number, for card numbers
 * (13-19 digits, spaces/dashes allowed, Luhn-valid, first digit 2-6) and IBANs (mod-97 valid): the patterns
 * below, applied by masking.ts.
 */

export type KeyRule = 'remove' | 'card_number' | 'account_number' | 'exempt';

const RULES_BY_KEY: Readonly<Record<string, KeyRule>> = {
  cvc: 'remove',
  cvv: 'remove',
  cvc2: 'remove',
  cvv2: 'remove',
  csc: 'remove',
  cvn: 'remove',
  securitycode: 'remove',
  cardsecuritycode: 'remove',
  cardverificationvalue: 'remove',
  cardverificationcode: 'remove',
  cardnumber: 'card_number',
  cardno: 'card_number',
  cardnum: 'card_number',
  ccnumber: 'card_number',
  ccnum: 'card_number',
  pan: 'card_number',
  cardpan: 'card_number',
  creditcardnumber: 'card_number',
  debitcardnumber: 'card_number',
  primaryaccountnumber: 'card_number',
  iban: 'account_number',
  accountnumber: 'account_number',
  accountno: 'account_number',
  bankaccount: 'account_number',
  bankaccountnumber: 'account_number',
  acctnumber: 'account_number',
};

/** Keys whose values are removed (normalised: lower-case, no separators): what raw-text masking looks for too. */
const REMOVED_KEYS: readonly string[] = Object.keys(RULES_BY_KEY).filter((key) => RULES_BY_KEY[key] === 'remove');

// ------------------------------------------------------------------------------------ free-text patterns

export const CARD_DIGITS = { min: 13, max: 19 } as const;
/** A run of digits with single spaces or dashes between them: where a card number may stand in free text. */
export const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
/** A card-like run of any checksum (raw text only, where nothing else tells a card from a number). */
export const CARD_LIKE_RUN = new RegExp(`\\d(?:[ -]?\\d){${CARD_DIGITS.min - 1},${CARD_DIGITS.max - 1}}(?![ -]?\\d)`, 'g');
/** Two letters, two check digits, then alphanumerics in optional single-space groups (may overrun the IBAN). */
export const IBAN_CANDIDATE = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}/g;
export const MIN_IBAN_LENGTH = 15;
/** A removed key (any separators, any case, quoted or not) assigned 3-4 digits, as in `"cvc": "123"` or `cvv2=987`. */
export const SECURITY_CODE_ASSIGNMENT = new RegExp(
  `((?:${REMOVED_KEYS.map((key) => [...key].join('[_-]?')).join('|')})["']?\\s*[:=]\\s*["']?)\\d{3,4}`,
  'gi',
);

// ------------------------------------------------------------------------------------------- key lookup

const EXEMPT_SNAKE_KEY = /^id$|_ids?$|_ts$|_at$|timestamp$|_ms$|_time$/i;
// Case-sensitive on purpose: `paid` or `flat` must not read as `…Id` / `…At`.
const EXEMPT_CAMEL_KEY = /[a-z0-9](?:Ids?|Ts|At|Ms|Time)$/;

export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Rules of keys that do not depend on their parent (every key but `number`), by key as written. Payloads
 * repeat the same few dozen keys; the bound keeps hostile input from growing the cache.
 */
const rulesSeen = new Map<string, KeyRule | null>();
const RULES_SEEN_LIMIT = 10_000;

/** The rule for a value under `key`, inside an object held under `parentKey` (undefined at the top). */
export function ruleForKey(key: string, parentKey: string | undefined): KeyRule | undefined {
  const seen = rulesSeen.get(key);
  if (seen !== undefined) return seen ?? undefined;
  const normalised = normaliseKey(key);
  if (normalised === 'number' && parentKey !== undefined) {
    const parent = normaliseKey(parentKey);
    if (parent.includes('card')) return 'card_number';
    if (parent.includes('account') || parent.includes('bank')) return 'account_number';
  }
  const rule = RULES_BY_KEY[normalised] ?? (EXEMPT_SNAKE_KEY.test(key) || EXEMPT_CAMEL_KEY.test(key) ? 'exempt' : undefined);
  if (normalised !== 'number' && rulesSeen.size < RULES_SEEN_LIMIT) rulesSeen.set(key, rule ?? null);
  return rule;
}
