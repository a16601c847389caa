/** How a request body is framed: one JSON document (an envelope or an array of them) or NDJSON. */
export type BodyFormat = 'json' | 'ndjson';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines']);

/**
 * The body format named by a Content-Type header; undefined for a type the bridge does not take. A missing
 * header means JSON (curl -d sends form-urlencoded, which is refused so the mistake is visible).
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined || contentType.trim() === '') return 'json';
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (media === 'application/json' || media === 'text/json' || (media.startsWith('application/') && media.endsWith('+json'))) return 'json';
  if (NDJSON_TYPES.has(media)) return 'ndjson';
  return undefined;
}

/** The decoder for a Content-Encoding header; undefined for an encoding the bridge does not take. */
export function bodyEncodingOf(contentEncoding: string | undefined): 'identity' | 'gzip' | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  return undefined;
}
