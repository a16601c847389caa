import { neverLogged } from '@ckt/domain';

const CENSORED = '[redacted]';
// Log objects are shallow; the bound keeps a cyclic or hostile object from costing more than a line is worth.
const MAX_DEPTH = 8;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);

function redact(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth >= MAX_DEPTH ? CENSORED : value.map((item) => redact(item, depth + 1));
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return CENSORED;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = neverLogged(key) ? CENSORED : redact(item, depth + 1);
  return copy;
}

/**
 * The object of a log call with every value under a never-logged key censored, at any depth (`neverLogged`:
 * the catalog's personal fields, masking's payment keys, payload carriers and credentials). Errors and other
 * class instances are left to pino's serialisers.
 */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redact(object, 0) as Record<string, unknown>;
}
