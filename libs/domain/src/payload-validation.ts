import { expectation, type FieldSpec } from './field-types.ts';
import { convertField, type FieldValue } from './field-values.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/** Validated payload values by dotted path (`ticket_id`, `user_payment_details.card_brand`). */
export type PayloadValues = ReadonlyMap<string, FieldValue>;

export type PayloadValidation = { ok: true; values: PayloadValues } | { ok: false; message: string };

/**
 * Validates a payload against catalog field specs. Missing (or JSON null) optional fields are NULL; a present
 * field of the wrong type fails, required or not, so producer bugs surface in the dead-letter path instead of
 * silently becoming NULL. Fields not in the specs are ignored.
 */
export function validatePayload(fields: readonly FieldSpec[], payload: JsonObject): PayloadValidation {
  const values = new Map<string, FieldValue>();
  const failure = validateInto(values, fields, payload, '');
  return failure === undefined ? { ok: true, values } : { ok: false, message: failure };
}

function validateInto(values: Map<string, FieldValue>, fields: readonly FieldSpec[], object: JsonObject, prefix: string): string | undefined {
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    const raw = object[field.name];
    if (raw === undefined || raw === null) {
      if (field.required) return `payload.${path}: required field is missing`;
      continue;
    }
    if (field.type.kind === 'object') {
      if (!isJsonObject(raw)) return `payload.${path}: ${expectation(field.type, field.required)}`;
      const failure = validateInto(values, field.type.fields, raw, `${path}.`);
      if (failure !== undefined) return failure;
      continue;
    }
    const value = convertField(field.type, raw, field.required);
    if (value === undefined) return `payload.${path}: ${expectation(field.type, field.required)}`;
    values.set(path, value);
  }
  return undefined;
}
