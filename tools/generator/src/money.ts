/**
 * Exact money for the generator and its expectations: amounts are integer cents (bigint when summed),
 * never floats. Written independently of @ckt/domain on purpose: the expectations are an oracle for the
 * pipeline, so they must not share its code.
 */

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NUMBER_TEXT = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/**
 * Cents of a catalog money value (JSON number or plain decimal string, >= 0), rounded half-even to 2
 * decimals; undefined when the value is no money. A JSON number counts as its shortest round-trip text.
 */
export function moneyToCents(value: unknown): bigint | undefined {
  let text: string | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    text = expandExponent(String(value));
  } else if (typeof value === 'string') {
    text = value;
  }
  const match = text === undefined ? null : PLAIN_DECIMAL.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  let cents = BigInt(whole + fraction.slice(0, 2).padEnd(2, '0'));
  const dropped = fraction.slice(2);
  const first = dropped[0] ?? '0';
  const restNonZero = /[1-9]/.test(dropped.slice(1));
  if (first > '5' || (first === '5' && (restNonZero || cents % 2n === 1n))) cents += 1n;
  return cents;
}

/** `1e-7` -> `0.0000001`, `1.5e+21` -> `1500000000000000000000`; plain text unchanged. */
function expandExponent(text: string): string | undefined {
  const match = NUMBER_TEXT.exec(text);
  if (!match) return undefined;
  const [, whole = '', fraction = '', exponent] = match;
  if (exponent === undefined) return text;
  const digits = whole + fraction;
  const pointAt = whole.length + Number(exponent);
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return digits + '0'.repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** `1990n` -> `'19.90'`, `5n` -> `'0.05'`. */
export function formatCents(cents: bigint | number): string {
  const value = BigInt(cents);
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
