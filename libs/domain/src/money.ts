/**
 * Money: a JSON number or a plain decimal string, >= 0, rounded half-even to 2 decimals and returned as an
 * exact decimal string (`12.345` -> `12.34`, `12.355` -> `12.36`). No float arithmetic: a JSON number is
 * taken as its shortest round-trip decimal text (what the sender wrote), then handled as digits.
 *
 * Decisions: decimal strings must be plain (`12.50`, `7`); exponent form in a string (`"1e3"`) is refused
 * because it is no format a checkout backend sends deliberately. A JSON number in exponent form (`1e3`) is
 * accepted: after JSON.parse it is just a number. Results above Decimal(18,2) (16 integer digits) are refused.
 */

const MONEY_SCALE = 2;
const MAX_INTEGER_DIGITS = 16;
const PLAIN_DECIMAL = /^\d+(?:\.\d+)?$/;
const NUMBER_TEXT = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/** The exact 2-decimal string of a money value, or undefined when the value is no valid amount. */
export function parseMoney(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const plain = alreadyRounded(value);
    if (plain !== undefined) return plain;
  } else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const plain = alreadyRounded(String(value));
    if (plain !== undefined) return plain;
  }
  let text: string | undefined;
  if (typeof value === 'number') {
    text = Number.isFinite(value) && value >= 0 ? numberToPlainDecimal(value) : undefined;
  } else if (typeof value === 'string' && PLAIN_DECIMAL.test(value)) {
    text = value;
  }
  if (text === undefined) return undefined;
  const rounded = roundHalfEven(text, MONEY_SCALE);
  const integerDigits = rounded.length - MONEY_SCALE - 1;
  return integerDigits > MAX_INTEGER_DIGITS ? undefined : rounded;
}

/**
 * The common case without BigInt: plain digits (no leading zero, at most 16) with at most 2 decimals, which
 * rounding leaves as they are, padded to 2 decimals. Undefined for anything else (the general path decides).
 */
function alreadyRounded(text: string): string | undefined {
  const length = text.length;
  let point = 0;
  while (point < length && isDigit(text.charCodeAt(point))) point++;
  if (point === 0 || point > MAX_INTEGER_DIGITS || (point > 1 && text.charCodeAt(0) === 48)) return undefined;
  if (point === length) return `${text}.00`;
  if (text.charCodeAt(point) !== 46 || length - point - 1 < 1 || length - point - 1 > MONEY_SCALE) return undefined; // '.'
  for (let i = point + 1; i < length; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
  return length - point - 1 === MONEY_SCALE ? text : `${text}0`;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Plain decimal text of a non-negative finite number, expanding exponent notation (`1e-7`, `1e+21`). */
function numberToPlainDecimal(value: number): string | undefined {
  const match = NUMBER_TEXT.exec(String(value));
  if (!match) return undefined;
  const [, whole = '', fraction = '', exponentText = '0'] = match;
  const digits = whole + fraction;
  const pointAt = whole.length + Number(exponentText);
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return digits + '0'.repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** Rounds a plain non-negative decimal string half-even to `scale` decimals; returns exactly `scale` decimals. */
export function roundHalfEven(text: string, scale: number): string {
  const [whole = '0', fraction = ''] = text.split('.');
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  const dropped = fraction.slice(scale);
  let unscaled = BigInt(whole + kept);
  const firstDropped = dropped[0] ?? '0';
  const restNonZero = /[1-9]/.test(dropped.slice(1));
  const isOdd = unscaled % 2n === 1n;
  if (firstDropped > '5' || (firstDropped === '5' && (restNonZero || isOdd))) unscaled += 1n;
  return formatUnscaled(unscaled, scale);
}

/** `1234n, 2` -> `12.34`; `5n, 2` -> `0.05`. Non-negative values only. */
function formatUnscaled(unscaled: bigint, scale: number): string {
  const digits = unscaled.toString().padStart(scale + 1, '0');
  if (scale === 0) return digits;
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
