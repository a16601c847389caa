import { envelopeText } from './envelope.ts';
import {
  checkFaultRates,
  drawRecordKind,
  malformedRecord,
  missingFieldRecord,
  oversizedRecord,
  unknownEventRecord,
  wrongTypeRecord,
  type DeadLetterExpectation,
  type FaultContext,
  type FaultDetail,
  type FaultKind,
  type FaultRates,
  type FaultyRecord,
} from './faults.ts';
import { createPrng } from './prng.ts';
import { formatTimestamp, parseTimestampMs, pickTimestampFormat } from './timestamps.ts';
import { faultEventId, faultIds, runNamespace, validEventId, worldIds, type RunNamespace } from './world/ids.ts';
import { World } from './world/world.ts';

export type RecordKind = 'valid' | FaultKind;

/** One delivery: exactly the bytes to send (one JSON value or, for `malformed`, one broken line). */
export interface GeneratedRecord {
  /** Position in the stream, 0-based (the pull API's cursor of this record). */
  readonly seq: number;
  readonly kind: RecordKind;
  /** One line, no newline: the envelope as compact JSON, or broken text for `malformed`. */
  readonly text: string;
  /** The event name it carries or was built from (a non-catalog name for `unknown_event`). */
  readonly eventName: string | null;
  /** Normalised event_id it carries, or null when the event_id is missing or broken. */
  readonly eventId: string | null;
  /** What is wrong with it (null for valid events; target `delivery` for duplicates). */
  readonly fault: FaultDetail | null;
  /** The dead letter the record is designed to produce (null: valid or duplicate). */
  readonly intended: DeadLetterExpectation | null;
}

export interface GeneratorOptions {
  seed: string | number;
  /** Number of deliveries (valid events, duplicates and faults together). */
  total: number;
  /** Percent of deliveries per fault kind; missing kinds are 0. */
  faults?: Partial<FaultRates>;
  /** The bridge's per-event size limit (bytes): oversized faults exceed it. Default 1 MiB. */
  eventSizeLimit?: number;
  /** Simulated time of the first event: ISO-8601 or epoch ms. Default 2025-03-27T08:00:00.000Z. */
  startTime?: string | number;
  /** Duplicates re-send one of the last this-many valid records. Default 1000. */
  duplicateWindow?: number;
}

export const DEFAULT_EVENT_SIZE_LIMIT = 1024 * 1024;
export const MIN_EVENT_SIZE_LIMIT = 4096;
export const DEFAULT_START_TIME = '2025-03-27T08:00:00.000Z';
const INTEGER_EVENT_ID_SHARE = 0.25;

class GeneratorOptionError extends Error {}

interface ResolvedGeneratorOptions {
  readonly seed: string;
  readonly total: number;
  readonly faults: FaultRates;
  readonly eventSizeLimit: number;
  readonly startMs: number;
  readonly duplicateWindow: number;
  readonly namespace: RunNamespace;
}

function resolveGeneratorOptions(options: GeneratorOptions): ResolvedGeneratorOptions {
  if (!Number.isSafeInteger(options.total) || options.total < 0) throw new GeneratorOptionError('total must be a non-negative integer');
  const eventSizeLimit = options.eventSizeLimit ?? DEFAULT_EVENT_SIZE_LIMIT;
  if (!Number.isSafeInteger(eventSizeLimit) || eventSizeLimit < MIN_EVENT_SIZE_LIMIT) {
    throw new GeneratorOptionError(`eventSizeLimit must be an integer >= ${MIN_EVENT_SIZE_LIMIT}`);
  }
  const startMs = parseTimestampMs(options.startTime ?? DEFAULT_START_TIME);
  if (startMs === undefined) throw new GeneratorOptionError('startTime must be an ISO-8601 timestamp or epoch milliseconds');
  const duplicateWindow = options.duplicateWindow ?? 1000;
  if (!Number.isSafeInteger(duplicateWindow) || duplicateWindow < 1) throw new GeneratorOptionError('duplicateWindow must be a positive integer');
  const seed = String(options.seed);
  return {
    seed,
    total: options.total,
    faults: checkFaultRates(options.faults ?? {}),
    eventSizeLimit,
    startMs,
    duplicateWindow,
    namespace: runNamespace(seed),
  };
}

/**
 * The delivery stream for a seed, lazily. Valid traffic, fault decisions and fault contents use separate
 * PRNG streams and id counters, so the valid events (ids, payloads, times) are the same whatever the fault
 * rates; faults only interleave. The last record is never `malformed` (an NDJSON request must hold at least
 * one parsable line, see batching.ts).
 */
export function* generateRecords(options: GeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const resolved = resolveGeneratorOptions(options);
  const root = createPrng(resolved.seed);
  const worldRng = root.fork('world');
  const envelopeRng = root.fork('envelope');
  const decisionRng = root.fork('fault-decisions');
  const faultRng = root.fork('fault-contents');
  const ns = resolved.namespace;
  const world = new World({ rng: worldRng, ids: worldIds(ns), startMs: resolved.startMs });
  const ids = faultIds(ns);
  const recentValid: GeneratedRecord[] = [];
  let validCount = 0;
  let faultCount = 0;

  for (let seq = 0; seq < resolved.total; seq++) {
    let kind = drawRecordKind(decisionRng, resolved.faults);
    if (kind === 'duplicate' && recentValid.length === 0) kind = 'valid';
    if (kind === 'malformed' && seq === resolved.total - 1) kind = 'valid';

    if (kind === 'valid') {
      const event = world.next();
      validCount++;
      const eventId = validEventId(ns, validCount, envelopeRng.chance(INTEGER_EVENT_ID_SHARE));
      const text = envelopeText({
        event_id: eventId,
        event_name: event.eventName,
        event_timestamp: formatTimestamp(event.timestampMs, pickTimestampFormat(envelopeRng), envelopeRng),
        payload: event.payload,
      });
      if (Buffer.byteLength(text) > resolved.eventSizeLimit) throw new GeneratorOptionError('a valid event exceeds eventSizeLimit');
      const record: GeneratedRecord = { seq, kind, text, eventName: event.eventName, eventId: String(eventId), fault: null, intended: null };
      recentValid.push(record);
      if (recentValid.length > resolved.duplicateWindow) recentValid.shift();
      yield record;
      continue;
    }

    if (kind === 'duplicate') {
      const original = decisionRng.pick(recentValid);
      yield {
        seq,
        kind,
        text: original.text,
        eventName: original.eventName,
        eventId: original.eventId,
        fault: { kind, target: 'delivery', variant: `copy_of_${original.seq}` },
        intended: null,
      };
      continue;
    }

    const context: FaultContext = {
      rng: faultRng,
      ids,
      nextEventId: () => faultEventId(ns, ++faultCount),
      nowMs: world.clockMs,
      eventSizeLimit: resolved.eventSizeLimit,
    };
    const faulty: FaultyRecord = FAULT_BUILDERS[kind](context);
    yield { seq, kind, ...faulty };
  }
}

const FAULT_BUILDERS: Readonly<Record<Exclude<FaultKind, 'duplicate'>, (ctx: FaultContext) => FaultyRecord>> = {
  malformed: malformedRecord,
  missing_field: missingFieldRecord,
  wrong_type: wrongTypeRecord,
  unknown_event: unknownEventRecord,
  oversized: oversizedRecord,
};

/** All records at once (tests, small runs). */
export function generate(options: GeneratorOptions): GeneratedRecord[] {
  return [...generateRecords(options)];
}
