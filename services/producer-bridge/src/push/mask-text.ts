import { maskSensitive, REMOVED_KEYS } from '@ckt/domain';

// Digit runs of 13-19 digits with single spaces or dashes between groups.
const CARD_LIKE_RUN = /\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;
// A key masking removes (cvc, security_code, ...; any separators, any case; quoted or not) and its 3-4 digits.
const REMOVED_KEY = REMOVED_KEYS.map((key) => [...key].join('[_-]?')).join('|');
const SECURITY_CODE = new RegExp(`((?:${REMOVED_KEY})["']?\\s*[:=]\\s*["']?)\\d{3,4}`, 'gi');

/**
 * Masks text that could not be parsed (an unparsable NDJSON line) before it is dead-lettered. Without structure
 * there are no field names to go by, so it is stricter than maskSensitive: the catalog's free-text rules
 * (Luhn-valid cards, IBANs) first, then every remaining card-like digit run (13-19 digits, whatever its
 * checksum, keeping the last 4) and every security-code-like `cvc: 123` value.
 */
export function maskRawText(text: string): string {
  const structured = maskSensitive(text).payload;
  const base = typeof structured === 'string' ? structured : text;
  return base
    .replace(CARD_LIKE_RUN, (run) => {
      const digits = run.replace(/\D/g, '');
      return '*'.repeat(digits.length - 4) + digits.slice(-4);
    })
    .replace(SECURITY_CODE, (_match, prefix: string) => `${prefix}***`);
}
