import { looksLikeCardNumber, looksLikeIban, maskKeepingLast } from './card-detection.ts';
import type { JsonObject, JsonValue } from './json.ts';
import { CARD_DIGITS, CARD_LIKE_RUN, DIGIT_RUN, IBAN_CANDIDATE, MIN_IBAN_LENGTH, ruleForKey, SECURITY_CODE_ASSIGNMENT, type KeyRule } from './masking-rules.ts';

/**
 * Masks payment data in any JSON value before it enters Kafka (§3), walking nested objects and arrays.
 *
 * Rule, in order, for every value:
 * 1. By key name (masking-rules.ts): CVC/CVV-like fields are removed; card-number fields keep the last 4
 *    digits (`************1111`); IBAN/account-number fields keep the last 4 characters; id and time fields
 *    are left alone.
 * 2. Otherwise strings are scanned as free text: IBANs (mod-97 valid) and card numbers (13-19 digits, single
 *    spaces/dashes allowed, Luhn-valid, first digit 2-6) are masked where they stand, keeping the last 4.
 * 3. Otherwise integers are checked like a card number in free text. Integers above 2^53 with 16-19 digits
 *    and a first digit 2-6 are masked without checksum: JSON.parse already changed their last digits.
 * So a 13-digit epoch-ms number (first digit 1) or a numeric id (key `*_id`) is never touched.
 * Masking is idempotent; the input is not modified.
 *
 * Objects and arrays nested deeper than `maxDepth` (the top value is depth 1) are replaced by
 * TRUNCATED_MARKER and reported as `truncated`: a hostile body cannot exhaust the stack, and what is cut off
 * is never published unmasked.
 */
export function maskSensitive(payload: JsonObject, options?: MaskOptions): MaskResult<JsonObject>;
export function maskSensitive(payload: JsonValue, options?: MaskOptions): MaskResult<JsonValue>;
export function maskSensitive(payload: JsonValue, options: MaskOptions = {}): MaskResult<JsonValue> {
  const walk: Walk = { count: 0, truncated: false, maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH };
  const masked = maskValue(payload, undefined, walk, 1);
  return { payload: masked, maskedCount: walk.count, truncated: walk.truncated };
}

interface MaskOptions {
  maxDepth?: number;
}

interface MaskResult<T extends JsonValue> {
  payload: T;
  maskedCount: number;
  /** True when something nested deeper than maxDepth was replaced by TRUNCATED_MARKER. */
  truncated: boolean;
}

const DEFAULT_MAX_DEPTH = 64;
export const TRUNCATED_MARKER = '[truncated: nested too deep]';

interface Walk {
  count: number;
  truncated: boolean;
  readonly maxDepth: number;
}

/** `rule`: the key rule of the field holding `value`; `key`: that field's name (context for nested `number`). */
function maskValue(value: JsonValue, rule: KeyRule | undefined, walk: Walk, depth: number, key?: string): JsonValue {
  if (value !== null && typeof value === 'object' && depth > walk.maxDepth) {
    walk.truncated = true;
    return TRUNCATED_MARKER;
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, rule, walk, depth + 1, key));
  if (value !== null && typeof value === 'object') return maskObject(value, key, walk, depth);
  if (typeof value === 'string') return maskString(value, rule, walk);
  if (typeof value === 'number') return maskNumber(value, rule, walk);
  return value;
}

function maskObject(object: JsonObject, objectKey: string | undefined, walk: Walk, depth: number): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const rule = ruleForKey(key, objectKey);
    if (rule === 'remove') {
      walk.count++;
      continue;
    }
    const masked = maskValue(value, rule, walk, depth + 1, key);
    // A `__proto__` field (JSON.parse keeps it as data) would otherwise set the prototype and vanish.
    if (key === '__proto__') Object.defineProperty(result, key, { value: masked, enumerable: true, writable: true, configurable: true });
    else result[key] = masked;
  }
  return result;
}

function maskString(text: string, rule: KeyRule | undefined, counter: Walk): string {
  switch (rule) {
    case 'card_number':
      return maskCardField(text, counter);
    case 'account_number':
      return maskAccountField(text, counter);
    case 'exempt':
      return text;
    default:
      return maskCardsInText(maskIbansInText(text, counter), counter);
  }
}

function maskNumber(value: number, rule: KeyRule | undefined, counter: Walk): JsonValue {
  if (!Number.isInteger(value) || value < 0) return value;
  const digits = BigInt(value).toString();
  switch (rule) {
    case 'card_number':
      return digits.length > 4 ? maskCardField(digits, counter) : value;
    case 'account_number':
      return digits.length > 4 ? maskAccountField(digits, counter) : value;
    case 'exempt':
      return value;
    default: {
      const isCard = Number.isSafeInteger(value) ? looksLikeCardNumber(digits) : /^[2-6]\d{15,18}$/.test(digits);
      if (!isCard) return value;
      counter.count++;
      return maskKeepingLast(digits);
    }
  }
}

/** A field named as a card number: keep at most its last 4 digits; leave already-masked values alone. */
function maskCardField(text: string, counter: Walk): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length <= 4) return text;
  counter.count++;
  return maskKeepingLast(digits);
}

/** A field named as an account number / IBAN: keep its last 4 characters. */
function maskAccountField(text: string, counter: Walk): string {
  const compact = text.replace(/[\s-]/g, '');
  if (compact.replace(/\*/g, '').length <= 4) return text;
  counter.count++;
  return maskKeepingLast(compact);
}

function maskIbansInText(text: string, counter: Walk): string {
  return replaceCandidates(text, IBAN_CANDIDATE, 'first', (candidate) => {
    // The candidate may run into the next word: take the longest prefix that is a valid IBAN.
    for (let end = candidate.length; end >= MIN_IBAN_LENGTH; end--) {
      const prefix = candidate.slice(0, end);
      if (prefix.endsWith(' ')) continue;
      const compact = prefix.replaceAll(' ', '');
      if (looksLikeIban(compact)) {
        counter.count++;
        return maskKeepingLast(compact.toUpperCase()) + candidate.slice(end);
      }
    }
    return undefined;
  });
}

/**
 * Masks card numbers in a digit run. The run may hold more than a card (a date before it, a second card),
 * so windows of whole digit groups are tried from each group, the longest valid one wins. A window never
 * exceeds 19 digits, so the work stays linear in the run's length.
 */
function maskCardsInText(text: string, counter: Walk): string {
  return replaceCandidates(text, DIGIT_RUN, 'whole', (run) => {
    const groups = run.split(/[ -]/);
    const separators = run.match(/[ -]/g) ?? [];
    let result = '';
    let changed = false;
    let index = 0;
    while (index < groups.length) {
      let lastOfCard = -1;
      let digits = '';
      for (let end = index; end < groups.length; end++) {
        digits += groups[end] ?? '';
        if (digits.length > CARD_DIGITS.max) break;
        if (digits.length >= CARD_DIGITS.min && looksLikeCardNumber(digits)) lastOfCard = end;
      }
      if (lastOfCard >= 0) {
        result += maskKeepingLast(groups.slice(index, lastOfCard + 1).join(''));
        counter.count++;
        changed = true;
        index = lastOfCard + 1;
      } else {
        result += groups[index] ?? '';
        index++;
      }
      if (index < groups.length) result += separators[index - 1] ?? '';
    }
    return changed ? result : undefined;
  });
}

/**
 * Masks text that could not be parsed (an unparsable NDJSON line) before it is dead-lettered. Without structure
 * there are no field names to go by, so it is stricter than maskSensitive: the free-text rules (Luhn-valid
 * cards, IBANs) first, then every remaining card-like digit run (whatever its checksum, keeping the last 4)
 * and every security-code-like `cvc: 123` value.
 */
export function maskRawText(text: string): string {
  const counter: Walk = { count: 0, truncated: false, maxDepth: 1 };
  return maskString(text, undefined, counter)
    .replace(CARD_LIKE_RUN, (run) => maskKeepingLast(run.replace(/\D/g, '')))
    .replace(SECURITY_CODE_ASSIGNMENT, (_match, prefix: string) => `${prefix}***`);
}

/**
 * Replaces pattern matches for which `replace` returns a string. A refused match consumes only its first
 * character (`'first'`: a real finding may start inside it) or all of it (`'whole'`: it was fully examined).
 */
function replaceCandidates(
  text: string,
  pattern: RegExp,
  onRefusal: 'first' | 'whole',
  replace: (candidate: string) => string | undefined,
): string {
  let result = '';
  let position = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const replacement = replace(match[0]);
    if (replacement === undefined) {
      pattern.lastIndex = match.index + (onRefusal === 'first' ? 1 : match[0].length);
      continue;
    }
    result += text.slice(position, match.index) + replacement;
    position = match.index + match[0].length;
    pattern.lastIndex = position;
  }
  return result + text.slice(position);
}
