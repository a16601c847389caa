import type { BodyFormat } from './body-format.ts';

/** One event slot of a request, in request order. */
export type BodyItem =
  | { kind: 'parsed'; value: unknown }
  /** An NDJSON line that is not JSON: kept as text so it can be dead-lettered (masked). */
  | { kind: 'unparsable'; text: string };

type BodyParseResult =
  | { ok: true; items: BodyItem[] }
  | { ok: false; status: 400 | 413; error: 'empty_body' | 'invalid_json' | 'invalid_body' | 'too_many_events'; message: string };

/**
 * Splits a request body into events. JSON: one envelope object or an array of them; a body that is not JSON is
 * refused whole (400). NDJSON: one event per non-blank line; a line that is not JSON becomes an `unparsable`
 * item (dead-lettered as invalid_json) unless no line parses at all, then the body is refused (400): that is
 * a framing mistake (e.g. pretty-printed JSON sent as NDJSON), not bad events. More than `maxEvents` is 413.
 */
export function parseBody(text: string, format: BodyFormat, maxEvents: number): BodyParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return format === 'ndjson' ? parseNdjson(body, maxEvents) : parseJson(body, maxEvents);
}

function parseJson(body: string, maxEvents: number): BodyParseResult {
  if (body.trim() === '') return { ok: false, status: 400, error: 'empty_body', message: 'request body is empty' };
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    return { ok: false, status: 400, error: 'invalid_json', message: `request body is not valid JSON${positionOf(error)}` };
  }
  if (Array.isArray(document)) {
    if (document.length > maxEvents) return tooMany(document.length, maxEvents);
    return { ok: true, items: document.map((value: unknown) => ({ kind: 'parsed', value })) };
  }
  if (typeof document === 'object' && document !== null) return { ok: true, items: [{ kind: 'parsed', value: document }] };
  return { ok: false, status: 400, error: 'invalid_body', message: 'expected a JSON object (one event), a JSON array of events, or NDJSON (application/x-ndjson)' };
}

function parseNdjson(body: string, maxEvents: number): BodyParseResult {
  const items: BodyItem[] = [];
  let parsedCount = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (items.length === maxEvents) return tooMany(items.length + 1 + countLines(body, start), maxEvents);
    try {
      items.push({ kind: 'parsed', value: JSON.parse(line) });
      parsedCount++;
    } catch {
      items.push({ kind: 'unparsable', text: line });
    }
  }
  if (items.length === 0) return { ok: false, status: 400, error: 'empty_body', message: 'request body has no events' };
  if (parsedCount === 0) {
    return { ok: false, status: 400, error: 'invalid_json', message: 'no line of the NDJSON body is valid JSON (send one JSON event per line)' };
  }
  return { ok: true, items };
}

/** Non-blank lines from `start` on (only to say how many events a refused body had). */
function countLines(body: string, start: number): number {
  let count = 0;
  for (const line of body.slice(start).split('\n')) if (line.trim() !== '') count++;
  return count;
}

function tooMany(count: number, maxEvents: number): BodyParseResult {
  return { ok: false, status: 413, error: 'too_many_events', message: `request has ${count} events; at most ${maxEvents} per request` };
}

/** The parse error's position, never its text (V8 quotes the input, which may hold personal data). */
function positionOf(error: unknown): string {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match ? ` (error at position ${match[1]})` : '';
}
