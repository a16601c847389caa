import { maskSensitive } from '@ckt/domain';

// Digit runs of 13-19 digits with single spaces or dashes between groups.
const CARD_LIKE_RUN = /\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;
// A security-code key (quoted or not) followed by its 3-4 digit value.
const SECURITY_CODE = /((?:card[_-]?)?(?:cvc2?|cvv2?|csc|cvn|security[_-]?code|verification[_-]?(?:value|code))["']?\s*[:=]\s*["']?)\d{3,4}/gi;

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
