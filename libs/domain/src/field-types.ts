/** Payload field types of the catalog (§2) and how each field may carry personal data (§3). */

export type FieldType =
  | { readonly kind: 'id' }
  | { readonly kind: 'money' }
  | { readonly kind: 'currency' }
  | { readonly kind: 'string' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'date'; readonly min: string; readonly max: string }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'uint32' }
  | { readonly kind: 'country' }
  | { readonly kind: 'object'; readonly fields: readonly FieldSpec[] };

export type FieldKind = FieldType['kind'];

/**
 * What the warehouse does with a personal field: `hash` (only a keyed hash is stored), `generalise` (only a
 * coarser value, e.g. the year), `drop` (never stored), `restrict` (an object of which only named sub-fields
 * are stored).
 */
export type PersonalDataRule = 'hash' | 'generalise' | 'drop' | 'restrict';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly personal?: PersonalDataRule;
}

export const ID: FieldType = { kind: 'id' };
export const MONEY: FieldType = { kind: 'money' };
export const CURRENCY: FieldType = { kind: 'currency' };
export const STRING: FieldType = { kind: 'string' };
export const TIMESTAMP: FieldType = { kind: 'timestamp' };
export const BOOL: FieldType = { kind: 'bool' };
export const UINT32: FieldType = { kind: 'uint32' };
export const COUNTRY: FieldType = { kind: 'country' };
/** A date stored in a ClickHouse Date column (1970-01-01 .. 2149-06-06). */
export const WAREHOUSE_DATE: FieldType = { kind: 'date', min: '1970-01-01', max: '2149-06-06' };
/** A birth date: plausible calendar range, only its year is kept. */
export const BIRTH_DATE: FieldType = { kind: 'date', min: '1900-01-01', max: '2299-12-31' };
export const enumOf = (...values: string[]): FieldType => ({ kind: 'enum', values });
export const objectOf = (...fields: FieldSpec[]): FieldType => ({ kind: 'object', fields });

export const required = (name: string, type: FieldType): FieldSpec => ({ name, type, required: true });
export const optional = (name: string, type: FieldType, personal?: PersonalDataRule): FieldSpec => ({
  name,
  type,
  required: false,
  ...(personal ? { personal } : {}),
});

/** What a field of each kind must look like; used in invalid_payload messages (never the value itself). */
export function expectation(type: FieldType, isRequired: boolean): string {
  switch (type.kind) {
    case 'id':
      return 'expected an id (non-empty string or non-negative integer)';
    case 'money':
      return 'expected money (number or decimal string >= 0)';
    case 'currency':
      return 'expected a currency code (3 letters, ISO 4217)';
    case 'string':
      return isRequired ? 'expected a non-empty string' : 'expected a string';
    case 'enum':
      return `expected one of ${type.values.join(', ')}`;
    case 'date':
      return `expected a date YYYY-MM-DD between ${type.min} and ${type.max}`;
    case 'timestamp':
      return 'expected an ISO-8601 timestamp or epoch milliseconds (1970..2299)';
    case 'bool':
      return 'expected a boolean';
    case 'uint32':
      return 'expected an integer between 0 and 4294967295';
    case 'country':
      return 'expected a country code (2 letters, ISO 3166-1 alpha-2)';
    case 'object':
      return 'expected a JSON object';
  }
}
