import { CATALOG } from './catalog.ts';
import type { FieldSpec } from './field-types.ts';
import { normaliseKey, ruleForKey } from './masking-rules.ts';

/**
 * Keys that carry customer data whole (payloads, record values, bodies) or grant access (credentials): never
 * logged, whatever they hold. Log identifiers instead (topic, partition, offset, event_id, event_name).
 */
const CARRIER_KEYS = ['payload', 'value', 'body', 'token', 'password', 'secret', 'authorization', 'cookie', 'sasl', 'credentials'];

function personalFieldKeys(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap((field) => [
    ...(field.personal ? [normaliseKey(field.name)] : []),
    ...(field.type.kind === 'object' ? personalFieldKeys(field.type.fields) : []),
  ]);
}

/**
 * Normalised keys whose values are never logged: the carriers above and every field the catalog marks personal
 * (e-mail, names, birth date, card and payment details). Masking's payment keys are added by `neverLogged`.
 */
const NEVER_LOGGED = new Set([...CARRIER_KEYS, ...Object.values(CATALOG).flatMap((spec) => personalFieldKeys(spec.fields))]);

/**
 * True when a log line must not show the value under `key`: one source for log redaction, derived from the
 * catalog's personal-data annotations and masking's key rules, compared like masking compares keys
 * (`Card_Number`, `cardNumber` and `card-number` are one key).
 */
export function neverLogged(key: string): boolean {
  if (NEVER_LOGGED.has(normaliseKey(key))) return true;
  const rule = ruleForKey(key, undefined);
  return rule === 'remove' || rule === 'card_number' || rule === 'account_number';
}
