import { expectation, type FieldSpec } from './field-types.ts';
import { convertField, type FieldValue } from './field-values.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/** Validated payload values by dotted path (`ticket_id`, `user_payment_details.card_brand`). */
export type PayloadValues = ReadonlyMap<string, FieldValue>;

type PayloadValidation = { ok: true; values: PayloadValues } | { ok: false; message: string };

/**
 * Validates a payload against catalog field specs. Missing (or JSON null) optional fields are NULL; a present
 * field of the wrong type fails, required or not, so producer bugs surface in the dead-letter path instead of
 * silently becoming NULL. Fields not in the specs are ignored.
 */
export function validatePayload(fields: readonly FieldSpec[], payload: JsonObject): PayloadValidation {
  const values = new Map<string, FieldValue>();
  const failure = validateInto(values, planOf(fields, ''), payload);
  return failure === undefined ? { ok: true, values } : { ok: false, message: failure };
}

/** A field with its dotted path (and the plan of its sub-fields), computed once per spec list. */
interface FieldPlan {
  readonly field: FieldSpec;
  readonly path: string;
  readonly fields: readonly FieldPlan[] | undefined;
}

const plans = new WeakMap<readonly FieldSpec[], readonly FieldPlan[]>();

function planOf(fields: readonly FieldSpec[], prefix: string): readonly FieldPlan[] {
  const cached = prefix === '' ? plans.get(fields) : undefined;
  if (cached) return cached;
  const plan = fields.map((field) => {
    const path = `${prefix}${field.name}`;
    return { field, path, fields: field.type.kind === 'object' ? planOf(field.type.fields, `${path}.`) : undefined };
  });
  if (prefix === '') plans.set(fields, plan);
  return plan;
}

function validateInto(values: Map<string, FieldValue>, plan: readonly FieldPlan[], object: JsonObject): string | undefined {
  for (const { field, path, fields } of plan) {
    const raw = object[field.name];
    if (raw === undefined || raw === null) {
      if (field.required) return `payload.${path}: required field is missing`;
      continue;
    }
    if (field.type.kind === 'object') {
      if (!isJsonObject(raw)) return `payload.${path}: ${expectation(field.type, field.required)}`;
      const failure = validateInto(values, fields ?? [], raw);
      if (failure !== undefined) return failure;
      continue;
    }
    const value = convertField(field.type, raw, field.required);
    if (value === undefined) return `payload.${path}: ${expectation(field.type, field.required)}`;
    values.set(path, value);
  }
  return undefined;
}
