/**
 * Where a warehouse column's value comes from, as data. The catalog maps every column to one source;
 * unmapped nullable columns are NULL.
 */

/** Named derivations (implemented in derivations.ts). */
export type DerivationName = 'email_sha256' | 'birth_year' | 'date_key' | 'last4_digits';

export type ValueSource =
  /** A validated payload field; `path` is dotted for fields of nested objects. */
  | { readonly from: 'payload'; readonly path: string }
  | { readonly from: 'envelope'; readonly field: 'event_id' | 'event_timestamp' }
  | { readonly from: 'constant'; readonly value: string }
  | { readonly from: 'derived'; readonly fn: DerivationName; readonly input: ValueSource }
  /** The first source that is not NULL. */
  | { readonly from: 'first_of'; readonly sources: readonly ValueSource[] };

export const payload = (path: string): ValueSource => ({ from: 'payload', path });
export const eventId: ValueSource = { from: 'envelope', field: 'event_id' };
export const eventTimestamp: ValueSource = { from: 'envelope', field: 'event_timestamp' };
export const constant = (value: string): ValueSource => ({ from: 'constant', value });
export const derived = (fn: DerivationName, input: ValueSource): ValueSource => ({ from: 'derived', fn, input });
export const firstOf = (...sources: ValueSource[]): ValueSource => ({ from: 'first_of', sources });
