import { maskRawText, maskSensitive, normaliseId, parseEnvelope, rawEventKey, type JsonValue, type StageReason } from '@ckt/domain';
import type { IHeaders, TopicMessages } from '@ckt/kafka';
import type { BodyItem } from './body-parser.ts';

/** A record for the raw topic. */
export interface RawRecord {
  key: string;
  /** The normalised, masked envelope as JSON. */
  value: string;
}

/** An event refused by the bridge: answered in `errors` and dead-lettered. */
export interface Rejection {
  /** Position of the event in the request (NDJSON: among non-blank lines). */
  index: number;
  reason: StageReason<'bridge'>;
  /** Names the field and what was expected; never a value. */
  message: string;
  /** The event as received, masked (a preview when payload_too_large). */
  value: string;
  key: string | null;
}

export interface PublishPlan {
  records: RawRecord[];
  rejections: Rejection[];
  /** Card numbers, security codes and account numbers masked across the request. */
  maskedCount: number;
}

interface PlanOptions {
  /** Largest record value in bytes; bigger events are rejected as payload_too_large. */
  maxEventBytes: number;
  /** Bytes of an oversized event kept in its dead letter (the rest cannot be published). */
  previewBytes?: number;
  /** Deepest nesting of objects and arrays in one event (the event itself is level 1); deeper is payload_too_large. */
  maxDepth: number;
}

const DEFAULT_PREVIEW_BYTES = 64 * 1024;

/**
 * Turns a request's events into what to publish: each valid envelope normalised (event_id a string, timestamp
 * UTC ISO ms), masked (§3) and keyed (§1); each invalid one a masked dead letter. Masking happens before
 * anything is serialised, so card data never reaches a record, a key or a dead letter. An event nested deeper
 * than `maxDepth` is dead-lettered as payload_too_large (DECISIONS: no separate reason code for depth).
 */
export function planEvents(items: readonly BodyItem[], options: PlanOptions): PublishPlan {
  const plan: PublishPlan = { records: [], rejections: [], maskedCount: 0 };
  const previewBytes = Math.min(options.previewBytes ?? DEFAULT_PREVIEW_BYTES, options.maxEventBytes);
  items.forEach((item, index) => {
    if (item.kind === 'unparsable') {
      const masked = maskRawText(item.text);
      const tooLarge = oversize(masked, options.maxEventBytes, previewBytes);
      if (tooLarge) return plan.rejections.push({ index, reason: 'payload_too_large', message: tooLarge.message, value: tooLarge.preview, key: null });
      return plan.rejections.push({ index, reason: 'invalid_json', message: 'line is not valid JSON', value: masked, key: null });
    }
    // The depth is checked on the whole event first: masking stops at the limit, so nothing below walks deeper.
    const whole = maskSensitive(item.value as JsonValue, { maxDepth: options.maxDepth });
    plan.maskedCount += whole.maskedCount;
    const eventId = eventIdOf(item.value);
    if (whole.truncated) {
      const value = JSON.stringify(whole.payload);
      const message = `event nests objects or arrays deeper than ${options.maxDepth} levels; the dead letter keeps it cut at that depth`;
      return plan.rejections.push({ index, reason: 'payload_too_large', message, value: utf8Prefix(value, previewBytes), key: eventId });
    }
    const result = parseEnvelope(whole.payload);
    if (!result.ok) {
      const value = JSON.stringify(whole.payload);
      const tooLarge = oversize(value, options.maxEventBytes, previewBytes);
      if (tooLarge) return plan.rejections.push({ index, reason: 'payload_too_large', message: tooLarge.message, value: tooLarge.preview, key: eventId });
      return plan.rejections.push({ index, reason: result.reason, message: result.message, value, key: eventId });
    }
    const event = result.event;
    const value = JSON.stringify(event);
    const key = rawEventKey(event);
    const tooLarge = oversize(value, options.maxEventBytes, previewBytes);
    if (tooLarge) return plan.rejections.push({ index, reason: 'payload_too_large', message: tooLarge.message, value: tooLarge.preview, key: event.event_id });
    plan.records.push({ key, value });
  });
  return plan;
}

function eventIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return normaliseId((value as Record<string, unknown>).event_id) ?? null;
}

function oversize(value: string, maxBytes: number, previewBytes: number): { message: string; preview: string } | undefined {
  // A UTF-8 character takes at most 3 bytes per UTF-16 unit: skip the byte count for values that surely fit.
  if (value.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.byteLength(value);
  if (bytes <= maxBytes) return undefined;
  const preview = utf8Prefix(value, previewBytes);
  return {
    message: `event is ${bytes} bytes, above the limit of ${maxBytes}; the dead letter keeps its first ${Buffer.byteLength(preview)} bytes`,
    preview,
  };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` (never splitting a character). */
export function utf8Prefix(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

/**
 * The plan as producer batches: accepted events to the raw topic, rejections to the dead-letter topic. Every
 * record is stamped with the time the bridge received it: that record timestamp travels through the router and
 * the extractor unchanged, and the sink measures ingest-to-queryable latency from it.
 */
export function planBatches(
  plan: PublishPlan,
  topics: { raw: string; dlq: string },
  deadLetterHeaders: (reason: Rejection['reason'], message: string) => IHeaders,
  receivedAtMs: number,
): TopicMessages[] {
  const timestamp = String(receivedAtMs);
  return [
    { topic: topics.raw, messages: plan.records.map(({ key, value }) => ({ key, value, timestamp })) },
    { topic: topics.dlq, messages: plan.rejections.map(({ key, value, reason, message }) => ({ key, value, timestamp, headers: deadLetterHeaders(reason, message) })) },
  ];
}
