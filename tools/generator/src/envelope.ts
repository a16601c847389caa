import type { JsonValue } from './events/types.ts';

/** The four envelope fields of the catalog (§1); any may be left out or be of any JSON type (faults). */
export interface EnvelopeFields {
  event_id?: JsonValue;
  event_name?: JsonValue;
  event_timestamp?: JsonValue;
  payload?: JsonValue;
}

const ORDER = ['event_id', 'event_name', 'event_timestamp', 'payload'] as const;

/** One compact JSON line, fields in catalog order, absent fields left out (never `undefined` or `null`). */
export function envelopeText(fields: EnvelopeFields): string {
  const ordered: Record<string, JsonValue> = {};
  for (const key of ORDER) {
    const value = fields[key];
    if (value !== undefined) ordered[key] = value;
  }
  return JSON.stringify(ordered);
}
