/**
 * A page of the checkout API's event feed (see README.md, "Pull contract"):
 * `{"events": [envelope, ...], "next_cursor": "opaque"}`. Empty `events` means caught up.
 */
export interface EventPage {
  events: unknown[];
  /** Where the next page starts; required when `events` is not empty. */
  nextCursor: string | undefined;
}

const MAX_CURSOR_LENGTH = 4096;

type PageResult = { ok: true; page: EventPage } | { ok: false; message: string };

/** Checks a decoded response body against the pull contract. */
export function parsePage(body: unknown): PageResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('response: expected a JSON object with events and next_cursor');
  const { events, next_cursor: nextCursor } = body as Record<string, unknown>;
  if (!Array.isArray(events)) return fail('events: expected an array');
  if (nextCursor !== undefined && nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === '' || nextCursor.length > MAX_CURSOR_LENGTH)) {
    return fail(`next_cursor: expected a non-empty string of at most ${MAX_CURSOR_LENGTH} characters`);
  }
  const cursor = typeof nextCursor === 'string' ? nextCursor : undefined;
  if (events.length > 0 && cursor === undefined) return fail('next_cursor: required when events is not empty');
  return { ok: true, page: { events, nextCursor: cursor } };
}

function fail(message: string): PageResult {
  return { ok: false, message };
}
