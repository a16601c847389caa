import {
  CHANNELS,
  EVENT_RULES,
  isCatalogEvent,
  type DeadLetterReason,
  type DeadLetterStage,
  type EventName,
  type FieldKind,
  type FieldRule,
} from './catalog.ts';
import { moneyToCents } from './money.ts';
import { isIsoDate, parseTimestampMs } from './timestamps.ts';

/**
 * Where a delivered record ends up, judged from its text alone by the catalog's rules (the oracle behind
 * `expectedOutcome`). Checks run in pipeline order: bridge (JSON, size, envelope), router (event name),
 * extractor (payload fields).
 */
type Classification =
  | {
      ok: true;
      eventId: string;
      eventName: EventName;
      timestampMs: number;
      payload: Readonly<Record<string, unknown>>;
    }
  | {
      ok: false;
      stage: DeadLetterStage;
      reason: DeadLetterReason;
      detail: string;
      /** Set when the envelope was valid (router and extractor dead letters: the event reached the raw topic). */
      eventId?: string;
      eventName?: string;
    };

type JsonRecord = Record<string, unknown>;

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const PAYMENT_DETAIL_FIELDS = ['payment_method', 'card_brand', 'card_last4', 'card_number'];

export function classifyRecord(text: string, eventSizeLimit: number): Classification {
  const tooLarge = Buffer.byteLength(text, 'utf8') > eventSizeLimit;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return tooLarge ? fail('bridge', 'payload_too_large', 'record above the size limit') : fail('bridge', 'invalid_json', 'not JSON');
  }
  if (tooLarge) return fail('bridge', 'payload_too_large', 'record above the size limit');
  if (!isRecord(parsed)) return fail('bridge', 'invalid_envelope', 'envelope is not an object');
  const eventId = normaliseId(parsed.event_id);
  if (eventId === undefined) return fail('bridge', 'invalid_envelope', 'event_id');
  const eventName = parsed.event_name;
  if (typeof eventName !== 'string' || !SNAKE_CASE.test(eventName)) return fail('bridge', 'invalid_envelope', 'event_name');
  const timestampMs = parseTimestampMs(parsed.event_timestamp);
  if (timestampMs === undefined) return fail('bridge', 'invalid_envelope', 'event_timestamp');
  const payload = parsed.payload;
  if (!isRecord(payload)) return fail('bridge', 'invalid_envelope', 'payload');
  if (!isCatalogEvent(eventName)) return { ...fail('router', 'unknown_event_name', 'event_name not in the catalog'), eventId, eventName };
  const problem = payloadProblem(eventName, payload);
  if (problem !== undefined) return { ...fail('extractor', 'invalid_payload', problem), eventId, eventName };
  return { ok: true, eventId, eventName, timestampMs, payload };
}

/** The first payload field that breaks the catalog, or undefined when the payload is valid. */
function payloadProblem(eventName: EventName, payload: JsonRecord): string | undefined {
  for (const [field, rule] of Object.entries(EVENT_RULES[eventName].fields as Record<string, FieldRule>)) {
    const value = payload[field];
    if (value === undefined || value === null) {
      if (rule.required) return `${field}: missing`;
      continue;
    }
    if (!fitsKind(rule.kind, value, rule.required)) return `${field}: not a valid ${rule.kind}`;
  }
  return undefined;
}

function fitsKind(kind: FieldKind, value: unknown, required: boolean): boolean {
  switch (kind) {
    case 'id':
      return normaliseId(value) !== undefined;
    case 'money': {
      const cents = moneyToCents(value);
      return cents !== undefined && cents < 10n ** 18n;
    }
    case 'currency':
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
    case 'country':
      return typeof value === 'string' && /^[A-Z]{2}$/.test(value);
    case 'string':
      return typeof value === 'string' && (!required || value.trim() !== '');
    case 'channel':
      return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
    case 'visit_date':
      return isIsoDate(value) && (value as string) >= '1970-01-01' && (value as string) <= '2149-06-06';
    case 'birth_date':
      return isIsoDate(value) && (value as string) >= '1900-01-01';
    case 'timestamp':
      return parseTimestampMs(value) !== undefined;
    case 'bool':
      return typeof value === 'boolean';
    case 'uint32':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4_294_967_295;
    case 'payment_details':
      return (
        isRecord(value) &&
        PAYMENT_DETAIL_FIELDS.every((field) => value[field] === undefined || value[field] === null || typeof value[field] === 'string')
      );
  }
}

/** Catalog id: a non-empty string (trimmed) or a non-negative safe integer, as a string. */
export function normaliseId(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(stage: DeadLetterStage, reason: DeadLetterReason, detail: string): Extract<Classification, { ok: false }> {
  return { ok: false, stage, reason, detail };
}
