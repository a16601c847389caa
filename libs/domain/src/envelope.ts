import { normaliseId } from './ids.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { parseTimestamp } from './timestamp.ts';

/** A validated, normalised envelope (§1). */
export interface Envelope {
  /** Normalised to a string (integers become their decimal text). */
  event_id: string;
  event_name: string;
  /** UTC ISO-8601 with exactly milliseconds, e.g. `2025-03-27T20:48:37.000Z`. */
  event_timestamp: string;
  /** Kept as received (unknown fields included). */
  payload: JsonObject;
}

type EnvelopeResult =
  | { ok: true; event: Envelope }
  | { ok: false; reason: 'invalid_envelope'; message: string };

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_EVENT_NAME_LENGTH = 128;

/**
 * Validates and normalises an envelope from any JSON value. The message of a failure names the field and
 * what was expected, never the value. Unknown (well-formed) event names pass: the router reports them as
 * `unknown_event_name`. Top-level fields other than the four of §1 are ignored.
 */
export function parseEnvelope(input: unknown): EnvelopeResult {
  if (!isJsonObject(input)) return invalid('envelope: expected a JSON object');
  const eventId = normaliseId(input.event_id);
  if (eventId === undefined) return invalid(`event_id: ${missingOr(input, 'event_id', 'expected a non-empty string or a non-negative integer')}`);
  const eventName = input.event_name;
  if (typeof eventName !== 'string' || eventName.length > MAX_EVENT_NAME_LENGTH || !SNAKE_CASE.test(eventName)) {
    return invalid(`event_name: ${missingOr(input, 'event_name', `expected a snake_case string of at most ${MAX_EVENT_NAME_LENGTH} characters`)}`);
  }
  const eventTimestamp = parseTimestamp(input.event_timestamp);
  if (eventTimestamp === undefined) {
    return invalid(
      `event_timestamp: ${missingOr(input, 'event_timestamp', 'expected ISO-8601 (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+hh:mm]) or epoch milliseconds, between 1970 and 2299')}`,
    );
  }
  const payload = input.payload;
  if (!isJsonObject(payload)) return invalid(`payload: ${missingOr(input, 'payload', 'expected a JSON object')}`);
  return { ok: true, event: { event_id: eventId, event_name: eventName, event_timestamp: eventTimestamp, payload } };
}

type EnvelopeValueResult = EnvelopeResult | { ok: false; reason: 'invalid_json'; message: string };

/** The envelope of a Kafka record value (UTF-8 JSON). Failure messages never quote the value. */
export function parseEnvelopeValue(value: Buffer | null | undefined): EnvelopeValueResult {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'invalid_json', message: 'value: the record has no value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    // The parser's own message quotes the input, so it is not passed on.
    return { ok: false, reason: 'invalid_json', message: 'value: not valid JSON' };
  }
  return parseEnvelope(json);
}

function missingOr(input: JsonObject, field: string, expected: string): string {
  return input[field] === undefined || input[field] === null ? 'required field is missing' : expected;
}

function invalid(message: string): EnvelopeResult {
  return { ok: false, reason: 'invalid_envelope', message };
}
