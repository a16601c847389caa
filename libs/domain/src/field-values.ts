import type { FieldType } from './field-types.ts';
import { normaliseId } from './ids.ts';
import { parseMoney } from './money.ts';
import { parseDate, parseTimestamp } from './timestamp.ts';

/** A payload field after validation: ids, money, dates and timestamps as strings (see tables.ts). */
export type FieldValue = string | number | boolean | null;

const CURRENCY_CODE = /^[A-Za-z]{3}$/;
const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const MAX_UINT32 = 4_294_967_295;

/**
 * Converts a present, non-null scalar field to its warehouse form, or undefined when it does not fit the type.
 * Codes (currency, country, enum values) are matched case-insensitively and stored in their canonical case.
 * Blank strings of optional fields are NULL (null result); of required fields they are invalid.
 */
export function convertField(type: Exclude<FieldType, { kind: 'object' }>, raw: unknown, isRequired: boolean): FieldValue | undefined {
  switch (type.kind) {
    case 'id':
      return normaliseId(raw);
    case 'money':
      return parseMoney(raw);
    case 'currency':
      return typeof raw === 'string' && CURRENCY_CODE.test(raw) ? raw.toUpperCase() : undefined;
    case 'country':
      return typeof raw === 'string' && COUNTRY_CODE.test(raw) ? raw.toUpperCase() : undefined;
    case 'string':
      if (typeof raw !== 'string') return undefined;
      if (raw.trim() === '') return isRequired ? undefined : null;
      return raw;
    case 'enum': {
      if (typeof raw !== 'string') return undefined;
      const lower = raw.trim().toLowerCase();
      return type.values.find((value) => value === lower);
    }
    case 'date':
      return parseDate(raw, type.min, type.max);
    case 'timestamp':
      return parseTimestamp(raw);
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'uint32':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_UINT32 ? raw : undefined;
  }
}
