import { EVENT_NAMES, fieldRule, requiredFields, type DeadLetterReason, type DeadLetterStage, type EventName } from './catalog.ts';
import { envelopeText, type EnvelopeFields } from './envelope.ts';
import { sampleEvent } from './events/sample.ts';
import type { JsonPayload, JsonValue } from './events/types.ts';
import type { Prng } from './prng.ts';
import { formatTimestamp, pickTimestampFormat } from './timestamps.ts';
import type { IdFactory } from './world/ids.ts';
import { UNKNOWN_EVENT_NAMES } from './world/reference-data.ts';

/**
 * Fault injection. Each fault kind has a percentage of all deliveries. Faulty events are built from a
 * real-looking event about entities of their own (`flt_<run>_...` ids, their own event_ids), so they never
 * change what the valid traffic puts in the warehouse, and each is designed to fail in exactly one place:
 *
 * | kind          | what is sent                                        | dead letter (stage / reason)                 |
 * |---------------|-----------------------------------------------------|----------------------------------------------|
 * | duplicate     | an earlier valid record again, byte for byte        | none (same event: no new rows)               |
 * | malformed     | a line that is not JSON                             | bridge / invalid_json                        |
 * | missing_field | envelope field left out, or a required payload field | bridge / invalid_envelope, extractor / invalid_payload |
 * | wrong_type    | envelope field or required payload field of a wrong type | bridge / invalid_envelope, extractor / invalid_payload |
 * | unknown_event | a snake_case event_name not in the catalog          | router / unknown_event_name                  |
 * | oversized     | a valid event padded above the bridge's event size limit | bridge / payload_too_large               |
 */

export const FAULT_KINDS = ['duplicate', 'malformed', 'missing_field', 'wrong_type', 'unknown_event', 'oversized'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Percent of all deliveries, per kind. */
export type FaultRates = Readonly<Record<FaultKind, number>>;

const NO_FAULTS: FaultRates = { duplicate: 0, malformed: 0, missing_field: 0, wrong_type: 0, unknown_event: 0, oversized: 0 };

const ALIASES: Readonly<Record<string, FaultKind>> = {
  duplicates: 'duplicate',
  missing: 'missing_field',
  wrongtype: 'wrong_type',
  wrong: 'wrong_type',
  unknown: 'unknown_event',
  oversize: 'oversized',
};

export class FaultSpecError extends Error {}

/** `duplicate=2,malformed=1,missing=0.5` -> rates (percent). Unknown kinds, bad numbers or a sum above 100 throw. */
export function parseFaultSpec(spec: string): FaultRates {
  const rates: Record<FaultKind, number> = { ...NO_FAULTS };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z_]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!match) throw new FaultSpecError(`--faults: "${part}" is not kind=percent`);
    const [, name = '', value = ''] = match;
    const kind = (FAULT_KINDS as readonly string[]).includes(name) ? (name as FaultKind) : ALIASES[name];
    if (kind === undefined) throw new FaultSpecError(`--faults: unknown fault "${name}" (known: ${FAULT_KINDS.join(', ')})`);
    rates[kind] = Number(value);
  }
  return checkFaultRates(rates);
}

export function checkFaultRates(partial: Partial<Record<FaultKind, number>>): FaultRates {
  const rates = { ...NO_FAULTS, ...partial };
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    const rate = rates[kind];
    if (!Number.isFinite(rate) || rate < 0 || rate > 100) throw new FaultSpecError(`--faults: ${kind} must be a percentage 0..100`);
    sum += rate;
  }
  if (sum > 100) throw new FaultSpecError(`--faults: percentages add up to ${sum}, more than 100`);
  return rates;
}

/** Valid, or which fault, for the next delivery. */
export function drawRecordKind(rng: Prng, rates: FaultRates): 'valid' | FaultKind {
  let point = rng.next() * 100;
  for (const kind of FAULT_KINDS) {
    point -= rates[kind];
    if (point < 0) return kind;
  }
  return 'valid';
}

export interface FaultDetail {
  readonly kind: FaultKind;
  /** What is broken: the JSON text, an envelope field, a payload field, the event name, or the size. */
  readonly target: 'json' | 'envelope' | 'payload' | 'event_name' | 'size' | 'delivery';
  /** The field broken or left out (envelope or payload), if any. */
  readonly field?: string;
  /** How it is broken (e.g. `truncated`, `boolean`, `missing`). */
  readonly variant: string;
}

export interface DeadLetterExpectation {
  readonly stage: DeadLetterStage;
  readonly reason: DeadLetterReason;
}

export interface FaultyRecord {
  readonly text: string;
  readonly eventName: string | null;
  readonly eventId: string | null;
  readonly fault: FaultDetail;
  readonly intended: DeadLetterExpectation;
}

export interface FaultContext {
  readonly rng: Prng;
  readonly ids: IdFactory;
  /** A fresh event_id for a faulty event (its own namespace). */
  nextEventId(): string;
  /** Simulated time now (epoch ms). */
  readonly nowMs: number;
  /** The bridge's per-event size limit in bytes. */
  readonly eventSizeLimit: number;
}

/** A real-looking event of a random catalog name, about fault-only entities. */
function baseEnvelope(ctx: FaultContext, eventName: EventName = ctx.rng.pick(EVENT_NAMES)): Required<Omit<EnvelopeFields, 'payload'>> & { payload: JsonPayload; eventName: EventName; eventId: string } {
  const event = sampleEvent(ctx.rng, ctx.ids, eventName, ctx.nowMs);
  const eventId = ctx.nextEventId();
  return {
    eventName,
    eventId,
    event_id: eventId,
    event_name: eventName,
    event_timestamp: formatTimestamp(ctx.nowMs, pickTimestampFormat(ctx.rng), ctx.rng),
    payload: event.payload,
  };
}

const BRIDGE_ENVELOPE: DeadLetterExpectation = { stage: 'bridge', reason: 'invalid_envelope' };
const EXTRACTOR_PAYLOAD: DeadLetterExpectation = { stage: 'extractor', reason: 'invalid_payload' };

export function malformedRecord(ctx: FaultContext): FaultyRecord {
  const base = baseEnvelope(ctx);
  const text = envelopeText(base);
  const variants: readonly (readonly [string, () => string])[] = [
    ['truncated', () => text.slice(0, ctx.rng.int(1, text.length - 1))],
    ['single_quotes', () => text.replaceAll('"', "'")],
    ['trailing_comma', () => `${text.slice(0, -1)},}`],
    ['unquoted_keys', () => text.replace(/"([a-z_]+)":/g, '$1:')],
    ['js_literal', () => text.replace(/"event_timestamp":("[^"]*"|\d+)/, '"event_timestamp":undefined')],
    ['concatenated', () => `${text}${text}`],
  ];
  const [variant, corrupt] = ctx.rng.pick(variants);
  let broken = corrupt();
  let used = variant;
  if (parses(broken) || broken.trim() === '' || broken.includes('\n')) {
    broken = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    used = 'truncated';
  }
  return {
    text: broken,
    eventName: base.eventName,
    eventId: base.eventId,
    fault: { kind: 'malformed', target: 'json', variant: used },
    intended: { stage: 'bridge', reason: 'invalid_json' },
  };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const ENVELOPE_FIELDS = ['event_id', 'event_name', 'event_timestamp', 'payload'] as const;

export function missingFieldRecord(ctx: FaultContext): FaultyRecord {
  const base = baseEnvelope(ctx);
  if (ctx.rng.chance(0.5)) {
    const field = ctx.rng.pick(ENVELOPE_FIELDS);
    const fields: EnvelopeFields = { ...base, [field]: undefined };
    return {
      text: envelopeText(fields),
      eventName: base.eventName,
      eventId: field === 'event_id' ? null : base.eventId,
      fault: { kind: 'missing_field', target: 'envelope', field, variant: 'missing' },
      intended: BRIDGE_ENVELOPE,
    };
  }
  const field = ctx.rng.pick(requiredFields(base.eventName));
  const payload = { ...base.payload };
  delete payload[field];
  return {
    text: envelopeText({ ...base, payload }),
    eventName: base.eventName,
    eventId: base.eventId,
    fault: { kind: 'missing_field', target: 'payload', field, variant: 'missing' },
    intended: EXTRACTOR_PAYLOAD,
  };
}

/** Values no reading of the catalog accepts for a field of that kind. */
const WRONG_ENVELOPE_VALUES: Readonly<Record<(typeof ENVELOPE_FIELDS)[number], readonly (readonly [string, JsonValue])[]>> = {
  event_id: [
    ['boolean', true],
    ['object', { id: 7 }],
    ['empty_string', ''],
    ['negative', -42],
    ['fraction', 12.5],
  ],
  event_name: [
    ['number', 42],
    ['array', ['ticket_sale']],
    ['boolean', false],
  ],
  event_timestamp: [
    ['text', 'yesterday evening'],
    ['day_first', '27/03/2025 20:48:37'],
    ['impossible_date', '2025-02-30T10:00:00Z'],
    ['boolean', true],
    ['fraction', 1743108517123.5],
  ],
  payload: [
    ['array', []],
    ['string', 'ticket_sale'],
    ['number', 17],
    ['boolean', true],
  ],
};

const WRONG_PAYLOAD_VALUES: Readonly<Record<string, readonly (readonly [string, JsonValue])[]>> = {
  id: [
    ['boolean', true],
    ['object', { ref: 'x' }],
    ['array', []],
    ['empty_string', ''],
    ['negative', -7],
  ],
  money: [
    ['text', 'twelve euros'],
    ['boolean', true],
    ['negative', -12.5],
    ['comma_decimal', '12,50'],
    ['object', { amount: 12.5 }],
    ['currency_symbol', '€12.50'],
  ],
  currency: [
    ['word', 'euro'],
    ['number', 978],
    ['boolean', true],
  ],
  string: [
    ['object', {}],
    ['boolean', true],
    ['number', 42],
    ['array', ['x']],
  ],
  visit_date: [
    ['day_first', '27/03/2025'],
    ['impossible_date', '2025-02-30'],
    ['number', 20250327],
  ],
  uint32: [
    ['text', 'six'],
    ['negative', -1],
    ['fraction', 2.5],
  ],
};

export function wrongTypeRecord(ctx: FaultContext): FaultyRecord {
  const base = baseEnvelope(ctx);
  if (ctx.rng.chance(0.5)) {
    const field = ctx.rng.pick(ENVELOPE_FIELDS);
    const [variant, value] = ctx.rng.pick(WRONG_ENVELOPE_VALUES[field]);
    return {
      text: envelopeText({ ...base, [field]: value }),
      eventName: base.eventName,
      eventId: field === 'event_id' ? null : base.eventId,
      fault: { kind: 'wrong_type', target: 'envelope', field, variant },
      intended: BRIDGE_ENVELOPE,
    };
  }
  const field = ctx.rng.pick(requiredFields(base.eventName));
  const kind = fieldRule(base.eventName, field)?.kind ?? 'string';
  const [variant, value] = ctx.rng.pick(WRONG_PAYLOAD_VALUES[kind] ?? WRONG_PAYLOAD_VALUES.string ?? []);
  return {
    text: envelopeText({ ...base, payload: { ...base.payload, [field]: value } }),
    eventName: base.eventName,
    eventId: base.eventId,
    fault: { kind: 'wrong_type', target: 'payload', field, variant },
    intended: EXTRACTOR_PAYLOAD,
  };
}

export function unknownEventRecord(ctx: FaultContext): FaultyRecord {
  const base = baseEnvelope(ctx, 'checkout_started');
  const eventName = ctx.rng.pick(UNKNOWN_EVENT_NAMES);
  const payload: JsonPayload = {
    checkout_id: base.payload.checkout_id ?? null,
    customer_id: base.payload.customer_id ?? null,
    ...(eventName === 'voucher_applied' ? { voucher_code: `SPRING${ctx.rng.int(10, 30)}`, discount_amount: ctx.rng.int(2, 15) } : {}),
    ...(eventName === 'loyalty_points_earned' ? { points: ctx.rng.int(10, 500) } : {}),
  };
  return {
    text: envelopeText({ ...base, event_name: eventName, payload }),
    eventName,
    eventId: base.eventId,
    fault: { kind: 'unknown_event', target: 'event_name', variant: eventName },
    intended: { stage: 'router', reason: 'unknown_event_name' },
  };
}

/** Bytes above the limit an oversized event has at least: survives the bridge re-serialising the envelope. */
const OVERSIZE_MARGIN_BYTES = 1024;

/**
 * A valid event padded with an extra payload field (ignored downstream if it ever got there) to between
 * limit + 1 KiB and limit + 8 KiB bytes, so any normalisation by the bridge keeps it above the limit.
 */
export function oversizedRecord(ctx: FaultContext): FaultyRecord {
  const base = baseEnvelope(ctx);
  const field = base.eventName.startsWith('attraction') ? 'image_base64' : 'debug_context';
  const target = ctx.eventSizeLimit + ctx.rng.int(OVERSIZE_MARGIN_BYTES, 8 * 1024);
  const skeleton = envelopeText({ ...base, payload: { ...base.payload, [field]: '' } });
  const padding = base64Block(ctx.rng, target - Buffer.byteLength(skeleton));
  return {
    text: envelopeText({ ...base, payload: { ...base.payload, [field]: padding } }),
    eventName: base.eventName,
    eventId: base.eventId,
    fault: { kind: 'oversized', target: 'size', field, variant: `${target}_bytes` },
    intended: { stage: 'bridge', reason: 'payload_too_large' },
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `length` base64 characters: a random 4 KiB block repeated (cheap for megabytes). */
function base64Block(rng: Prng, length: number): string {
  let block = '';
  for (let i = 0; i < Math.min(4096, length); i++) block += BASE64[rng.int(0, 63)];
  return block.repeat(Math.ceil(length / Math.max(1, block.length))).slice(0, length);
}
